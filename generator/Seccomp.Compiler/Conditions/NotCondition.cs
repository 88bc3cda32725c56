namespace Seccomp.Compiler.Conditions
{
    internal sealed record NotCondition(Condition Operand) : Condition;
}
