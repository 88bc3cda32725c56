namespace Seccomp.Compiler.Conditions
{
    internal enum CompareOp { Eq, Ne, Lt, Le, Gt, Ge }
}
