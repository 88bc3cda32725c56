using System;
using System.Collections.Generic;

namespace Seccomp
{
    /// <summary>A documented substitution made because the kernel lacks a feature.</summary>
    public sealed record SeccompFallback(string Feature, string Substitute, bool Weaker)
    {
        public override string ToString() =>
            $"seccomp: the kernel lacks {Feature}; using {Substitute}{(Weaker ? " (weaker: allowed by AllowWeakerFallbacks)" : "")}";
    }
}
