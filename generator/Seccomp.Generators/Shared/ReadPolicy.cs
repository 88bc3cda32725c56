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
        public ReadPolicy(PolicyModel model, IReadOnlyList<AttributeData> rules, AttributeData policy, IReadOnlyList<PolicyDiagnostic> readErrors)
        {
            Model = model;
            RuleAttributes = rules;
            PolicyAttribute = policy;
            ReadErrors = readErrors;
        }

        public PolicyModel Model { get; }

        /// <summary>The rule attributes, indexed like <see cref="RuleModel.Index"/>.</summary>
        public IReadOnlyList<AttributeData> RuleAttributes { get; }

        public AttributeData PolicyAttribute { get; }

        /// <summary>Problems found while reading the attributes themselves (null names).</summary>
        public IReadOnlyList<PolicyDiagnostic> ReadErrors { get; }
    }
}
