using System;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Seccomp.Hosting
{
    /// <summary>
    /// The two-phase sandbox for a generic host or a web application:
    /// <code>
    /// BroadSandbox.Apply();                                   // first statement of Main
    /// var builder = WebApplication.CreateBuilder(args);
    /// builder.Services.AddSeccomp(NarrowSandbox.Install);     // installed once the host has started
    /// </code>
    /// Policy classes are static, so they are handed over by their generated <c>Install</c> method.
    /// </summary>
    public static class SeccompServiceCollectionExtensions
    {
        /// <summary>
        /// Installs <paramref name="narrow"/> once the host has started: after every hosted service's StartAsync (Kestrel
        /// listens), before <see cref="IHostApplicationLifetime.ApplicationStarted"/> fires. If it cannot be installed the
        /// host's start fails with the <see cref="SeccompException"/>: the service never runs on without it.
        /// </summary>
        /// <param name="services">The host's services.</param>
        /// <param name="narrow">The narrow policy's generated <c>Install</c>, e.g. <c>NarrowSandbox.Install</c>.</param>
        public static IServiceCollection AddSeccomp(this IServiceCollection services, Func<SeccompOptions?, SeccompInstallation> narrow) =>
            AddSeccomp(services, narrow, new SeccompOptions());

        /// <summary>As <see cref="AddSeccomp(IServiceCollection, Func{SeccompOptions?, SeccompInstallation})"/>, with options (complain mode, logging).</summary>
        public static IServiceCollection AddSeccomp(this IServiceCollection services, Func<SeccompOptions?, SeccompInstallation> narrow,
            SeccompOptions options)
        {
            if (services == null) throw new ArgumentNullException(nameof(services));
            if (narrow == null) throw new ArgumentNullException(nameof(narrow));
            if (options != null && (options.Complain || options.ReportViolations) && options.OnViolation == null) options.OnViolation = SeccompReports.Report;
            return services.AddSingleton<IHostedService>(sp => new SeccompHostedService(null, narrow, options, sp));
        }

        /// <summary>
        /// As <see cref="AddSeccomp(IServiceCollection, Func{SeccompOptions?, SeccompInstallation})"/>, with complain mode and
        /// in-process reports read from <paramref name="configuration"/> (<c>Seccomp:Complain</c>, <c>Seccomp:ReportViolations</c>;
        /// never from environment variables alone) and reported through the host's logging and the <c>Seccomp</c> meter
        /// (<see cref="SeccompReports"/>).
        /// </summary>
        public static IServiceCollection AddSeccomp(this IServiceCollection services, Func<SeccompOptions?, SeccompInstallation> narrow,
            Microsoft.Extensions.Configuration.IConfiguration configuration)
        {
            if (configuration == null) throw new ArgumentNullException(nameof(configuration));
            return AddSeccomp(services, narrow, SeccompReports.Options(configuration));
        }

        /// <summary>
        /// Both phases from the host: <paramref name="broad"/> when the host starts (before any hosted service starts),
        /// <paramref name="narrow"/> once it has started. A failure of either fails the host's start. Applying the broad
        /// policy as the first statement of Main instead covers the host's construction too, and is preferred.
        /// </summary>
        public static IServiceCollection AddSeccomp(this IServiceCollection services, Func<SeccompOptions?, SeccompInstallation> broad,
            Func<SeccompOptions?, SeccompInstallation> narrow)
        {
            SeccompOptions? options = null;
            if (services == null) throw new ArgumentNullException(nameof(services));
            if (broad == null) throw new ArgumentNullException(nameof(broad));
            if (narrow == null) throw new ArgumentNullException(nameof(narrow));
            return services.AddSingleton<IHostedService>(sp => new SeccompHostedService(broad, narrow, options, sp));
        }
    }
}
