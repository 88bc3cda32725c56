using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Seccomp.Compiler;
using Seccomp.Compiler.Diagnostics;
using Seccomp.Compiler.Policy;

namespace Seccomp.Generators
{
    /// <summary>The policy read from a class's attributes, with the attributes kept for the analyzers' locations.</summary>
    internal sealed class ReadPolicy
    {
        public ReadPolicy(PolicyModel model, bool logDenied, IReadOnlyList<AttributeData> rules, AttributeData policy, IReadOnlyList<PolicyDiagnostic> readErrors)
        {
            Model = model;
            LogDenied = logDenied;
            RuleAttributes = rules;
            PolicyAttribute = policy;
            ReadErrors = readErrors;
        }

        public PolicyModel Model { get; }

        /// <summary><c>LogDenied</c>: a setting of the install, not of the program, so not in the model.</summary>
        public bool LogDenied { get; }

        /// <summary>The rule attributes, indexed like <see cref="RuleModel.Index"/>.</summary>
        public IReadOnlyList<AttributeData> RuleAttributes { get; }

        public AttributeData PolicyAttribute { get; }

        /// <summary>Problems found while reading the attributes themselves (null names).</summary>
        public IReadOnlyList<PolicyDiagnostic> ReadErrors { get; }
    }
}
