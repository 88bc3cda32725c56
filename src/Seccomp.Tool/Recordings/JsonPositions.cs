// Where an entry of a recording is in its file, for error messages: JsonElement keeps no positions, so when the
// reader refuses an entry, the text is scanned once more with Utf8JsonReader (whose offsets are exact) and the entry
// is found by the same path the message names (architectures.x86_64.getpgrp.nr, processes[0].pid).

using System;
using System.Collections.Generic;
using System.Text.Json;

namespace Seccomp.Tool;

internal static class JsonPositions
{
    /// <summary>
    /// The line and byte position in the line (both from 1) where the entry at <paramref name="path"/> starts: a
    /// member's name, an array element's value. <paramref name="member"/> builds a member's path as the reader does.
    /// The last of several (a member given twice) wins: that is the one the reader refuses. Null when not found.
    /// </summary>
    public static (long Line, long Position)? Find(byte[] utf8, string path, Func<string, string, string> member)
    {
        if (path.Length == 0) return null;
        long found = -1;
        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 64 });
            // Per open container: its path, whether it is an array, the next element index; and the pending member.
            var stack = new Stack<(string Path, bool Array, int Next)>();
            string? pendingMember = null;
            while (reader.Read())
            {
                string? here = null;
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    var (parent, _, _) = stack.Peek();
                    pendingMember = member(parent, reader.GetString()!);
                    if (pendingMember == path) found = reader.TokenStartIndex;
                    continue;
                }
                if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    stack.Pop();
                    continue;
                }
                if (pendingMember != null)
                {
                    here = pendingMember;
                    pendingMember = null;
                }
                else if (stack.Count > 0 && stack.Peek().Array)
                {
                    var top = stack.Pop();
                    here = $"{top.Path}[{top.Next}]";
                    stack.Push((top.Path, true, top.Next + 1));
                    if (here == path) found = reader.TokenStartIndex;
                }
                else here = "";
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                    stack.Push((here, reader.TokenType == JsonTokenType.StartArray, 0));
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Text the reader already accepted parses here too; a name that is not valid text cannot be matched.
        }
        if (found < 0) return null;
        long line = 1, lineStart = 0;
        for (long i = 0; i < found; i++)
            if (utf8[i] == (byte)'\n') { line++; lineStart = i + 1; }
        return (line, found - lineStart + 1);
    }
}
