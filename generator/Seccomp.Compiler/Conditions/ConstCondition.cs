namespace Seccomp.Compiler.Conditions
{
    internal sealed record ConstCondition(bool Value) : Condition;
}
