using System;
using System.Collections.Generic;
using System.ComponentModel;

namespace Seccomp
{
    /// <summary>
    /// What the runtime needs to know of a generated policy besides its program, handed over as one value by the members
    /// the generator adds to a policy class. Every fact is stated by the generator from the policy's attributes: the
    /// runtime never recovers one from the program's instructions (the compiler's code shape is not a contract).
    /// </summary>
    /// <remarks>
    /// Why one value and not parameters: a new fact is a new property with a default, so code generated before it
    /// still compiles and runs, and a call site says what each value is.
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public sealed class SeccompPolicyFacts
    {
        /// <param name="name">The policy class's full name, for messages and to recognise a second Apply().</param>
        /// <param name="architectures">The architectures the policy has programs for.</param>
        public SeccompPolicyFacts(string name, IReadOnlyList<SeccompArch> architectures)
        {
            Name = name ?? throw new ArgumentNullException(nameof(name));
            Architectures = architectures ?? throw new ArgumentNullException(nameof(architectures));
        }

        public string Name { get; }

        public IReadOnlyList<SeccompArch> Architectures { get; }

        /// <summary><c>[SeccompPolicy(LogDenied = true)]</c>: install with SECCOMP_FILTER_FLAG_LOG.</summary>
        public bool LogDenied { get; init; }

        /// <summary>
        /// The policy's <c>BadArchAction</c> (what a call of another ABI gets). Complain mode and recording put a guard
        /// answering it in front of the program, so that they never let another ABI's calls through.
        /// </summary>
        public SeccompVerdict BadArchAction { get; init; } = new(SeccompAction.KillProcess);

        /// <summary>
        /// A constant of the build (MSBuild SeccompAllowRecording, Debug by default): only when it is true, and the
        /// environment of <c>dotnet-seccomp record</c> or <c>check</c> is present, is the policy installed with its
        /// denials sent to that tool instead (see docs/tool.md). When it is false the environment is never read.
        /// </summary>
        public bool RecordingAllowed { get; init; }

        /// <summary>The generated description of the policy (its SeccompPolicySource): handed to the tool when recorded, and
        /// read by in-process reports to name the rule that decides a denied call.</summary>
        public string? PolicySource { get; init; }

        /// <summary>
        /// For a program that compares with SELF_PID, on the architecture this process runs as: the indices of the jumps
        /// whose K is the compiler's placeholder for the process's pid. This process's pid is written there before the
        /// program is checked and installed. The compiler lists them; nothing here searches the program.
        /// </summary>
        public int[]? ProcessIdSlots { get; init; }
    }
}
