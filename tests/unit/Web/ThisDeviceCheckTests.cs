using Gateway.Web.Components.Pages.MacFilters;
using Gateway.Web.State;

namespace Gateway.Tests.Unit.Web;

/// <summary>What the MAC filters page says about the admin's own device, and what the allow-list warning adds.</summary>
public sealed class ThisDeviceCheckTests
{
    private const string Mac = "aa:bb:cc:00:11:22";

    [Fact]
    public void A_listed_enabled_device_keeps_its_connection()
    {
        var check = ThisDeviceCheck.Found(new ThisDevice("192.168.1.20", Mac, Listed: true, Enabled: true));

        Assert.Equal("listed", check.Status);
        Assert.Equal($"This device ({Mac}) is listed and enabled: it keeps its connection.", check.AllowListNote);
    }

    [Fact]
    public void A_disabled_or_unlisted_device_is_named_as_cut_off()
    {
        var disabled = ThisDeviceCheck.Found(new ThisDevice("192.168.1.20", Mac, Listed: true, Enabled: false));
        var unlisted = ThisDeviceCheck.Found(new ThisDevice("192.168.1.20", Mac, Listed: false, Enabled: false));

        Assert.Equal("listed but disabled", disabled.Status);
        Assert.Equal($"This device ({Mac}) is listed but disabled: it will be cut off.", disabled.AllowListNote);
        Assert.Equal("not listed", unlisted.Status);
        Assert.Equal($"This device ({Mac}) is not listed: it will be cut off.", unlisted.AllowListNote);
    }

    [Fact]
    public void An_unknown_device_says_why_plainly()
    {
        Assert.Equal("This browser is not on the LAN; its MAC can't be checked.", ThisDeviceCheck.NotOnLan.Status);
        Assert.Equal(ThisDeviceCheck.NotOnLan.Status, ThisDeviceCheck.NotOnLan.AllowListNote);
        Assert.Contains("agent is not connected", ThisDeviceCheck.AgentAway.AllowListNote, StringComparison.Ordinal);
    }
}
