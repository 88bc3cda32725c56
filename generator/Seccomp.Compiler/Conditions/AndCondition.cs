namespace Seccomp.Compiler.Conditions
{
    internal sealed record AndCondition(Condition Left, Condition Right) : Condition;
}
