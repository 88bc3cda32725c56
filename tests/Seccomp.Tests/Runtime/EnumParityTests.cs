using System;
using System.Linq;
using Xunit;

namespace Seccomp.Tests;

/// <summary>
/// The runtime and the compiler core compile the same enum source (src/Common), and the generated code turns the
/// core's values into the runtime's by name and by number (<c>SeccompArch.X86_64</c>, <c>s_programs[(int)arch]</c>):
/// every name must have the same number on both sides.
/// </summary>
public class EnumParityTests
{
    [Theory]
    [InlineData(typeof(SeccompAction), typeof(CoreAction))]
    [InlineData(typeof(SeccompArch), typeof(CoreArch))]
    public void EveryValueHasTheSameNameAndNumberInTheRuntimeAndTheCore(Type runtime, Type core)
    {
        Assert.NotEqual(runtime.Assembly, core.Assembly);
        var r = Enum.GetNames(runtime).Select(n => (n, Convert.ToInt32(Enum.Parse(runtime, n)))).ToArray();
        var c = Enum.GetNames(core).Select(n => (n, Convert.ToInt32(Enum.Parse(core, n)))).ToArray();
        Assert.Equal(r, c);
    }

    [Fact]
    public void ActionCodesAgree()
    {
        foreach (var action in Enum.GetValues<SeccompAction>())
            Assert.Equal(new SeccompVerdict(action, 5).ToKernel(), new CoreVerdict((CoreAction)action, 5).ToKernel());
    }
}
