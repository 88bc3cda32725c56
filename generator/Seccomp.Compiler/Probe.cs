#pragma warning disable RS1035
using System;
using System.Diagnostics;
using System.IO;
using System.Reflection;
namespace Seccomp.Compiler
{
    internal static class Probe
    {
        static readonly Stopwatch s_sw = Stopwatch.StartNew();
        static readonly MethodInfo? s_jitTime = Type.GetType("System.Runtime.JitInfo")?.GetMethod("GetCompilationTime", new[] { typeof(bool) });
        static readonly MethodInfo? s_jitCount = Type.GetType("System.Runtime.JitInfo")?.GetMethod("GetCompiledMethodCount", new[] { typeof(bool) });
        public static void Mark(string what)
        {
            var jt = s_jitTime == null ? TimeSpan.Zero : (TimeSpan)s_jitTime.Invoke(null, new object[] { false })!;
            var jc = s_jitCount == null ? 0L : (long)s_jitCount.Invoke(null, new object[] { false })!;
            var line = $"{s_sw.Elapsed.TotalMilliseconds,9:F2} ms  jit {jt.TotalMilliseconds,8:F1} ms {jc,6}  t{Environment.CurrentManagedThreadId,-3} {what}\n";
            lock (s_sw) File.AppendAllText("/tmp/secc-t.log", line);
        }
    }
}
