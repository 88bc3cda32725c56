// The compiler core and the runtime each compile the shared types (src/Common) into their own namespace: in the tests,
// SeccompAction, SeccompVerdict and SeccompArch are the runtime's (Seccomp), and these names are the core's (Seccomp.Compiler).
global using CoreAction = Seccomp.Compiler.SeccompAction;
global using CoreVerdict = Seccomp.Compiler.SeccompVerdict;
global using CoreArch = Seccomp.Compiler.SeccompArch;
