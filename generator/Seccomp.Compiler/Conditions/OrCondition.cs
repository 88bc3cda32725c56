namespace Seccomp.Compiler.Conditions
{
    internal sealed record OrCondition(Condition Left, Condition Right) : Condition;
}
