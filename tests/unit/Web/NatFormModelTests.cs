using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Gateway.Web.Components.Pages.Nat;
using Gateway.Web.Components.Pages.PortForwards;
using Gateway.Web.State;

namespace Gateway.Tests.Unit.Web;

/// <summary>What the NAT page's forms and the port forward form's helper picker send to the services.</summary>
public sealed class NatFormModelTests
{
    [Fact]
    public void Untouched_nat_forms_reach_the_services_as_missing_fields_so_each_is_required()
    {
        var oneToOne = new ValidationErrors();
        Assert.Null(new OneToOneFormModel().ToInput().ToEntry(0, oneToOne));
        Assert.Equal(["externalAddress", "internalAddress", "name"], oneToOne.ToDictionary().Keys.Order());

        var (redirectInput, local) = new RedirectFormModel().ToInput();
        Assert.Empty(local);
        var redirect = new ValidationErrors();
        Assert.Null(redirectInput!.ToRedirect(0, redirect));
        Assert.Equal(["name", "port", "toPort"], redirect.ToDictionary().Keys.Order());

        var route = new ValidationErrors();
        Assert.Null(new PolicyRouteFormModel().ToInput().ToRoute(0, route));
        Assert.Equal(["name", "outInterface", "source"], route.ToDictionary().Keys.Order());

        Assert.All(
            oneToOne.ToDictionary().Values.Concat(redirect.ToDictionary().Values).Concat(route.ToDictionary().Values),
            messages => Assert.Equal(["Required."], messages));
    }

    [Fact]
    public void A_redirect_port_that_is_no_number_is_said_beside_the_fields_still_missing()
    {
        var (input, errors) = new RedirectFormModel { Port = "dns", ToPort = "53" }.ToInput();

        Assert.Null(input);
        Assert.Equal(["name", "port"], errors.Keys.Order());
        Assert.Equal(["A port between 1 and 65535."], errors["port"]);
        Assert.Equal(["Required."], errors["name"]);
    }

    [Fact]
    public void Optional_nat_text_left_empty_is_sent_as_not_set()
    {
        var (input, _) = new RedirectFormModel { Name = " dns ", InInterface = "", Port = "53", ToPort = "5353", Destination = " " }.ToInput();
        Assert.Equal(new RedirectInput("dns", true, null, ForwardProtocol.Tcp, 53, null, 5353, null), input);

        var route = new PolicyRouteFormModel { Name = "kids", Source = "192.168.1.20", OutInterface = "wan2", Gateway = "" }.ToInput();
        Assert.Null(route.Gateway);
        Assert.True(route.Masquerade);
    }

    [Theory]
    [InlineData("", null, false)]
    [InlineData("ftp", ConntrackHelper.Ftp, true)]
    [InlineData("tftp", ConntrackHelper.Tftp, false)]
    [InlineData("h323", ConntrackHelper.H323, false)]
    public void The_helper_picker_sends_helper_and_keeps_the_ftp_alias_in_agreement(string picked, ConntrackHelper? helper, bool ftpHelper)
    {
        var (input, errors) = new PortForwardFormModel
        {
            Name = "x",
            Protocol = helper?.Transport() ?? ForwardProtocol.Tcp,
            ExternalPort = "69",
            InternalAddress = "192.168.1.20",
            Helper = picked,
        }.ToInput();

        Assert.Empty(errors);
        Assert.Equal(helper, input!.Helper);
        Assert.Equal(ftpHelper, input.FtpHelper);
        // The alias rule of the input (ftpHelper true with another helper is refused) never trips.
        var validation = new ValidationErrors();
        Assert.Equal(helper, input.ToPortForward(0, validation)!.EffectiveHelper);
        Assert.True(validation.IsValid, validation.ToString());
    }

    [Fact]
    public void A_forward_stored_with_the_ftp_alias_opens_with_ftp_picked_and_toggles_without_a_contradiction()
    {
        var stored = new PortForward(3, "old ftp", true, ForwardProtocol.Tcp, 21, null, "192.168.1.20", null, null, true, FtpHelper: true);

        Assert.Equal("ftp", PortForwardFormModel.From(stored).Helper);
        var toggled = PortForwardFormModel.ToInput(stored, enabled: false);
        var validation = new ValidationErrors();
        Assert.Equal(ConntrackHelper.Ftp, toggled.ToPortForward(3, validation)!.EffectiveHelper);
        Assert.True(validation.IsValid, validation.ToString());
    }

    [Fact]
    public void What_the_service_says_about_the_ftp_alias_lands_beside_the_helper_picker()
    {
        var mapped = PortForwardFormModel.ForTheForm(new Dictionary<string, string[]>
        {
            ["ftpHelper"] = ["The FTP helper needs protocol tcp."],
            ["externalPort"] = ["A port between 1 and 65535."],
        });

        Assert.Equal(["externalPort", "helper"], mapped!.Keys.Order());
        Assert.Equal(["The FTP helper needs protocol tcp."], mapped["helper"]);
    }
}
