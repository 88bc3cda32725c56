using System;
using System.Collections.Generic;
using Seccomp.Compiler.Codegen;
using Seccomp.Compiler.Conditions;

namespace Seccomp.Compiler.Analysis
{
    /// <summary>Thrown when a set would need more nodes than the budget: the caller then knows nothing (sound "unknown").</summary>
    internal sealed class ArgumentSetBudgetExceededException : Exception
    {
        public ArgumentSetBudgetExceededException() : base("the argument-set analysis ran out of its node budget") { }
    }
}
