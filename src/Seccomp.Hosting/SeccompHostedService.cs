using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Seccomp.Hosting
{
    /// <summary>
    /// Installs the policies at the host's lifecycle points: the broad one in StartingAsync, the narrow one in StartedAsync
    /// (after every StartAsync, before ApplicationStarted). An exception there fails the host's start.
    /// </summary>
    internal sealed class SeccompHostedService : IHostedLifecycleService
    {
        private readonly Func<SeccompOptions?, SeccompInstallation>? _broad;
        private readonly Func<SeccompOptions?, SeccompInstallation> _narrow;
        private readonly SeccompOptions? _options;
        private readonly ILogger? _logger;

        public SeccompHostedService(Func<SeccompOptions?, SeccompInstallation>? broad, Func<SeccompOptions?, SeccompInstallation> narrow,
            SeccompOptions? options, IServiceProvider services)
        {
            _broad = broad;
            _narrow = narrow;
            _options = options;
            var factory = services.GetService<ILoggerFactory>();
            _logger = factory?.CreateLogger(SeccompReports.LoggerCategory);
            // Reports of a policy applied in Main, before there was a logger, go to the host's from now on.
            if (factory != null) SeccompReports.UseLogger(factory);
        }

        public Task StartingAsync(CancellationToken cancellationToken)
        {
            if (_broad != null) Install(_broad, "broad");
            return Task.CompletedTask;
        }

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartedAsync(CancellationToken cancellationToken)
        {
            Install(_narrow, "narrow");
            return Task.CompletedTask;
        }

        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        private void Install(Func<SeccompOptions?, SeccompInstallation> install, string phase)
        {
            string policy = install.Method.DeclaringType?.Name ?? install.Method.Name;
            try
            {
                var installation = install(_options);
                _logger?.LogInformation(SeccompReports.InstalledEvent, "seccomp: {Policy} ({Phase} policy) installed: {Arch}, {Count} instructions, flags {Flags}",
                    policy, phase, installation.Arch, installation.InstructionCount, installation.Flags);
                foreach (var f in installation.Fallbacks)
                    _logger?.LogWarning(SeccompReports.FallbackEvent, "seccomp: {Policy}: {Fallback}", policy, f.ToString());
            }
            catch (SeccompException ex)
            {
                _logger?.LogCritical(SeccompReports.InstalledEvent, ex, "seccomp: the {Phase} policy {Policy} could not be installed; the host does not start", phase, policy);
                throw;
            }
        }
    }
}
