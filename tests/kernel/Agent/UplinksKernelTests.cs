using Gateway.Agent.Links;

namespace Gateway.Tests.Kernel.Agent;

/// <summary>The uplinks read from a throwaway namespace's own routes.</summary>
public sealed class UplinksKernelTests
{
    [Fact]
    public void Read_sees_the_thread_namespace_routes()
    {
        var uplinks = ThrowawayNamespace.Run(() =>
        {
            Assert.Empty(Uplinks.Read());
            var setup = ThrowawayNamespace.Shell("ip link add up0 type veth peer name up1 && ip link set up1 up && ip link set up0 up && ip addr add 10.9.0.2/24 dev up0 && ip route add default via 10.9.0.1");
            Assert.True(setup.ExitCode == 0, setup.Stderr);
            return Uplinks.Read();
        });

        Assert.Equal(["up0"], uplinks);
    }
}
