// Exercises what makes the .NET runtime name a process or thread: allocating threads and collections (thread
// suspension by tgkill), thread and process priorities, affinity, children started, waited for and killed. Run under
// strace by eng/measure-process-arguments.sh; the figures are in data/dotnet-process-arguments-x86_64.tsv.
using System.Diagnostics;
var threads = new List<Thread>();
var stop = false;
for (int i = 0; i < 8; i++) { var t = new Thread(() => { var l = new List<byte[]>(); while (!Volatile.Read(ref stop)) { l.Add(new byte[1000]); if (l.Count > 1000) l.Clear(); } }) { Name = "worker" + i, IsBackground = true }; t.Start(); threads.Add(t); }
try { Thread.CurrentThread.Priority = ThreadPriority.AboveNormal; } catch (Exception e) { Console.WriteLine(e.Message); }
try { threads[0].Priority = ThreadPriority.BelowNormal; } catch (Exception e) { Console.WriteLine(e.Message); }
for (int i = 0; i < 20; i++) { GC.Collect(); Thread.Sleep(10); }
var me = Process.GetCurrentProcess();
Console.WriteLine($"{me.PriorityClass} {me.ProcessorAffinity} {Environment.ProcessorCount}");
try { me.PriorityClass = ProcessPriorityClass.BelowNormal; } catch (Exception e) { Console.WriteLine(e.Message); }
try { me.ProcessorAffinity = me.ProcessorAffinity; } catch (Exception e) { Console.WriteLine(e.Message); }
for (int i = 0; i < 5; i++) { var p = Process.Start(new ProcessStartInfo("/bin/true") { RedirectStandardOutput = true }); p!.WaitForExit(); }
var k = Process.Start("/bin/sleep", "10"); k.Kill(); k.WaitForExit();
await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(async () => { await Task.Delay(5); return i; })));
Volatile.Write(ref stop, true);
Console.WriteLine("done");
