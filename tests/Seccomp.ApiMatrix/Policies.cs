using Seccomp;

namespace Seccomp.ApiMatrix;

/// <summary>The file-system cases: the runtime group and @file-system; anything else kills.</summary>
[SeccompPolicy(DefaultAction = SeccompAction.KillProcess)]
[Allow("@dotnet-runtime", "@file-system")]
internal static partial class FileSystemPolicy;

/// <summary>The SQLite cases: @sqlite is meant with @file-system (a database is files).</summary>
[SeccompPolicy(DefaultAction = SeccompAction.KillProcess)]
[Allow("@dotnet-runtime", "@file-system", "@sqlite")]
internal static partial class SqlitePolicy;

/// <summary>The ASP.NET Core cases: Kestrel and the generic host, served to a driver in another process.</summary>
[SeccompPolicy(DefaultAction = SeccompAction.KillProcess)]
[Allow("@dotnet-runtime", "@aspnetcore")]
internal static partial class AspNetCorePolicy;

/// <summary>The outbound cases: HttpClient, sockets and name resolution, to servers in another process.</summary>
[SeccompPolicy(DefaultAction = SeccompAction.KillProcess)]
[Allow("@dotnet-runtime", "@http-client")]
internal static partial class HttpClientPolicy;
