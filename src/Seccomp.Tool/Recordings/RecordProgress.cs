// `record`'s sign of life while a long workload runs, as dotnet-trace gives one: a single stderr line rewritten in
// place (\r) with the elapsed time and what has been recorded so far, about 4 times a second. Only on a terminal: in a
// log or a pipe, a line per refresh would be noise, and the summary at the end says the same.

using System;
using System.Diagnostics;

namespace Seccomp.Tool;

internal sealed class RecordProgress
{
    private const long RefreshMs = 250;

    private readonly Recording _recording;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _shownAt = -RefreshMs;
    private int _width;

    private RecordProgress(Recording recording) => _recording = recording;

    /// <summary>A progress line for <paramref name="recording"/>, or null when stderr is not a terminal.</summary>
    public static RecordProgress? ForTerminal(Recording recording) => Console.IsErrorRedirected ? null : new RecordProgress(recording);

    /// <summary>Rewrites the line when the last refresh is 250 ms old; called by the supervisor's loop.</summary>
    public void Tick()
    {
        long now = _clock.ElapsedMilliseconds;
        if (now - _shownAt < RefreshMs) return;
        _shownAt = now;
        var e = _clock.Elapsed;
        string line = $"[{(int)e.TotalHours:00}:{e.Minutes:00}:{e.Seconds:00}] recording: {_recording.DistinctCalls} distinct calls, "
            + $"{_recording.Notifications} notifications, {_recording.ProcessList.Count} processes";
        // Padded over what the previous line left, so that a shorter line leaves no tail of the longer one.
        Console.Error.Write("\r" + line.PadRight(_width));
        _width = line.Length;
    }

    /// <summary>Blanks the line, so that the summary (or an error) starts on a clean one.</summary>
    public void Clear()
    {
        if (_width > 0) Console.Error.Write("\r" + new string(' ', _width) + "\r");
        _width = 0;
    }
}
