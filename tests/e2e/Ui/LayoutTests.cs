using Gateway.Tests.E2e.Lab;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gateway.Tests.E2e.Ui;

/// <summary>
/// Every list page, filled with rows whose names are long, at a 1280 px desktop and a 390 px phone: nothing inside the
/// page is wider than its card or table box, the page never scrolls sideways, and on the desktop a row's buttons sit on
/// one line. The failure names the elements that stick out.
/// </summary>
public sealed partial class LayoutTests(LayoutTests.Fixture fixture, Chromium chromium)
    : IClassFixture<LayoutTests.Fixture>, IClassFixture<Chromium>
{
    private const string LongName = "living room media server with a long descriptive name";

    /// <summary>Its own lab: the rows it adds would change what other panel tests count.</summary>
    public sealed class Fixture : Lab.LabFixture
    {
        protected override Lab.LabOptions Options => new() { Name = "ui-layout" };

        /// <summary>A connection from lan1 held open for the class: a row on the Connections page, a device on the Devices page.</summary>
        public TcpConversation? Held { get; private set; }

        public TcpEchoServer? Echo { get; private set; }

        protected override async Task OnSetUpAsync()
        {
            Echo = Lab.StartTcpEchoServer(Lab.WanNs, 7790, "wan");
            Held = await Gateway.Tests.E2e.Lab.Lab.OpenTcpAsync(Lab.Lan1Ns, Gateway.Tests.E2e.Lab.Lab.WanHostIp, 7790);
            if (Held is null || await Held.ExchangeAsync() != "wan")
            {
                throw new InvalidOperationException("lan1 could not hold a connection to the WAN host.");
            }
        }
    }

    private Lab.Lab TheLab => fixture.Lab;

    private HttpClient Api => fixture.Api;

    // Every element inside main: its right edge within its nearest card (or table box), no box scrolling sideways.
    private const string Overflows = """
        () => {
            const out = [];
            const main = document.querySelector('main');
            const name = e => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${[...e.classList].map(c => '.' + c).join('')}`;
            for (const box of main.querySelectorAll('.card, .table-wrap, table, .subcard')) {
                if (box.getClientRects().length > 0 && box.scrollWidth > box.clientWidth + 1) {
                    out.push(`${name(box)} scrolls sideways (${box.scrollWidth} > ${box.clientWidth})`);
                }
            }
            for (const e of main.querySelectorAll('*')) {
                if (e.getClientRects().length === 0 || getComputedStyle(e).position === 'absolute') continue;
                const box = e.parentElement?.closest('.table-wrap, .card');
                if (!box) continue;
                const r = e.getBoundingClientRect(), b = box.getBoundingClientRect();
                if (r.width > 0 && (r.right > b.right + 1 || r.left < b.left - 1)) {
                    out.push(`${name(e)} "${(e.innerText ?? '').slice(0, 30)}" ${Math.round(r.left)}..${Math.round(r.right)} outside ${name(box)} ${Math.round(b.left)}..${Math.round(b.right)}`);
                }
            }
            const d = document.documentElement;
            if (d.scrollWidth > d.clientWidth) out.push(`the page scrolls sideways (${d.scrollWidth} > ${d.clientWidth})`);
            return out.slice(0, 8);
        }
        """;

    // Desktop rows: every row's action buttons share one line.
    private const string StackedActions = """
        () => [...document.querySelectorAll('main table.grid tbody tr')]
            .filter(tr => { const tops = [...tr.querySelectorAll('button')].filter(b => b.getClientRects().length > 0).map(b => Math.round(b.getBoundingClientRect().top)); return new Set(tops).size > 1; })
            .map(tr => tr.innerText.slice(0, 40))
        """;

    private static readonly (string Path, string Heading)[] ListPages =
    [
        ("/port-forwards", "Port forwards"), ("/lan", "LAN"), ("/mac-filters", "MAC filters"), ("/firewall", "Firewall"), ("/nat", "NAT"),
        ("/pinholes", "Pinholes"), ("/settings", "Settings"), ("/devices", "Devices"), ("/connections", "Connections"),
    ];

    [Fact]
    public async Task EveryListFitsItsCardOnADesktopAndOnAPhone()
    {
        await SeedAsync();
        foreach (var width in new[] { Panel.DesktopWidth, Panel.PhoneWidth })
        {
            await using var panel = await Panel.OpenAsync(chromium, TheLab, width);
            await panel.LoginAsync();
            var page = panel.Page;
            foreach (var (path, heading) in ListPages)
            {
                await page.GotoAsync(path);
                await Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
                await panel.WaitInteractiveAsync();
                await Expect(page.Locator("main table.grid tbody tr").First).ToBeVisibleAsync();
                var problems = await page.EvaluateAsync<string[]>(Overflows);
                Assert.True(problems.Length == 0, $"{path} at {width}px: {string.Join("; ", problems)}");
                if (width == Panel.DesktopWidth)
                {
                    var stacked = await page.EvaluateAsync<string[]>(StackedActions);
                    Assert.True(stacked.Length == 0, $"{path} at {width}px: buttons on two lines in rows {string.Join(" | ", stacked)}");
                }

                await panel.ScreenshotAsync($"layout-{width}-{path.Trim('/')}");

                if (path == "/port-forwards")
                {
                    // The two-step delete asks in the row itself: the question must fit too.
                    await page.GetByRole(AriaRole.Button, new() { Name = $"Delete {LongName}" }).ClickAsync();
                    await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Yes, delete" })).ToBeVisibleAsync();
                    problems = await page.EvaluateAsync<string[]>(Overflows);
                    Assert.True(problems.Length == 0, $"{path} at {width}px, asking to delete: {string.Join("; ", problems)}");
                    await panel.ScreenshotAsync($"layout-{width}-port-forwards-asking");
                    await page.GetByRole(AriaRole.Group, new() { Name = $"Delete “{LongName}”?" }).GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
                }
            }
        }
    }

    [Fact]
    public async Task ARefusedSaveMovesTheKeyboardToTheFirstInvalidFieldAndLinksItsMessage()
    {
        await using var panel = await Panel.OpenAsync(chromium, TheLab);
        await panel.LoginAsync();
        await panel.OpenFromMenuAsync("Port forwards", "Port forwards");
        var page = panel.Page;
        await page.GetByRole(AriaRole.Button, new() { Name = "Add port forward" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();

        // The keyboard is on an input marked invalid, whose description includes the message shown beside it.
        var focused = page.Locator("main :focus");
        await Expect(focused).ToHaveAttributeAsync("aria-invalid", "true");
        var described = await focused.GetAttributeAsync("aria-describedby") ?? "";
        var first = await page.EvaluateAsync<string>("""
            () => [...document.querySelectorAll('main form input, main form select')].find(e => e.closest('.field')?.querySelector('.validation-message'))?.id ?? ''
            """);
        Assert.NotEqual("", first);
        await Expect(focused).ToHaveIdAsync(first);
        var texts = await page.EvaluateAsync<string[]>(
            "ids => ids.split(' ').map(id => document.getElementById(id)).filter(e => e?.classList.contains('validation-message')).map(e => e.innerText.trim())",
            described);
        Assert.True(texts.Length > 0 && texts.All(t => t.Length > 0), $"aria-describedby \"{described}\" names no shown message");
        await Expect(page.Locator("main form [aria-live=polite]")).ToContainTextAsync("fields need correcting");
        await Expect(page.GetByLabel("Name", new() { Exact = true })).ToBeFocusedAsync();

        // A form that is not an EditForm (API tokens): its field message is linked the same way.
        await panel.OpenFromMenuAsync("Settings", "Settings");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
        var tokenName = page.GetByLabel("Token name");
        await Expect(tokenName).ToHaveAttributeAsync("aria-invalid", "true");
        var tokenDescribed = await tokenName.GetAttributeAsync("aria-describedby") ?? "";
        var tokenTexts = await page.EvaluateAsync<string[]>(
            "ids => ids.split(' ').map(id => document.getElementById(id)).filter(e => e?.classList.contains('field-error')).map(e => e.innerText.trim())",
            tokenDescribed);
        Assert.True(tokenTexts.Length > 0 && tokenTexts.All(t => t.Length > 0), $"aria-describedby \"{tokenDescribed}\" names no shown message");
    }

    // The focused element's ring (its box grown by outline width and offset) lies inside every box that clips it.
    private const string RingProblems = """
        () => {
            const e = document.activeElement;
            const s = getComputedStyle(e);
            if (!e.matches(':focus-visible')) return 'not :focus-visible';
            if (s.outlineStyle === 'none' || parseFloat(s.outlineWidth) === 0) return 'no outline';
            const grow = Math.max(0, parseFloat(s.outlineWidth) + parseFloat(s.outlineOffset));
            const r = e.getBoundingClientRect();
            for (let a = e.parentElement; a; a = a.parentElement) {
                const o = getComputedStyle(a);
                if (o.overflowX === 'visible' && o.overflowY === 'visible') continue;
                const b = a.getBoundingClientRect();
                const left = b.left + a.clientLeft, top = b.top + a.clientTop;
                if (r.left - grow < left - 0.5 || r.top - grow < top - 0.5 || r.right + grow > left + a.clientWidth + 0.5 || r.bottom + grow > top + a.clientHeight + 0.5) {
                    return `ring clipped by ${a.tagName.toLowerCase()}.${[...a.classList].join('.')}`;
                }
            }
            return '';
        }
        """;

    [Fact]
    public async Task FocusRingsOnTheMenuAndOnTableButtonsAreDrawnWhole()
    {
        await SeedAsync();
        await using var panel = await Panel.OpenAsync(chromium, TheLab);
        await panel.LoginAsync();
        var page = panel.Page;
        await page.GotoAsync("/port-forwards");
        await panel.WaitInteractiveAsync();

        // Keyboard only from a fresh page: the first link of the menu, then the last button of the first row.
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Dashboard" }).FocusAsync();
        Assert.Equal("", await page.EvaluateAsync<string>(RingProblems));
        await page.Locator("main table.grid tbody tr").First.GetByRole(AriaRole.Button).Last.FocusAsync();
        Assert.Equal("", await page.EvaluateAsync<string>(RingProblems));
        await page.Locator("main table.grid tbody tr").First.GetByRole(AriaRole.Button).First.FocusAsync();
        Assert.Equal("", await page.EvaluateAsync<string>(RingProblems));

        // The scrollable ruleset is a named region (an aria-label on a bare <pre> names nothing).
        await page.GotoAsync("/settings");
        await panel.WaitInteractiveAsync();
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Ruleset text" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task TheOwnerReadsWordsNotAbbreviations()
    {
        await using var panel = await Panel.OpenAsync(chromium, TheLab);
        await panel.LoginAsync();
        var page = panel.Page;

        // The dashboard: no revision jargon, and the "up to date" pill stands clear of the number before it.
        var firewall = page.GetByRole(AriaRole.Region, new() { Name = "Firewall" });
        await Expect(firewall).ToContainTextAsync("up to date");
        await Expect(firewall).Not.ToContainTextAsync("revision");
        var gap = await page.EvaluateAsync<double>("""
            () => {
                const pill = [...document.querySelectorAll('dl.facts dd .badge')].find(b => b.textContent.includes('up to date'));
                const range = document.createRange();
                range.selectNodeContents(pill.parentElement.firstChild);
                return pill.getBoundingClientRect().left - range.getBoundingClientRect().right;
            }
            """);
        Assert.True(gap >= 6, $"the pill is {gap}px from the number");

        // Syslog levels read as words wherever a level is picked.
        await panel.OpenFromMenuAsync("Logging", "Logging");
        var levels = await page.GetByLabel("Minimum level").Locator("option").AllInnerTextsAsync();
        Assert.Contains("Warning", levels);
        Assert.Contains("Notice", levels);
        Assert.DoesNotContain("warn", levels);
        var dropped = await page.GetByLabel("Dropped input").Locator("option").AllInnerTextsAsync();
        Assert.Contains("Warning", dropped);
        Assert.DoesNotContain("warn", dropped);
    }

    private async Task SeedAsync()
    {
        if ((await Api.GetJsonArrayAsync("/api/v1/port-forwards")).Count > 0)
        {
            return;
        }

        await Api.PostJsonAsync("/api/v1/port-forwards", new
        {
            name = LongName,
            protocol = "both",
            externalPort = 40000,
            externalPortEnd = 40100,
            internalAddress = Lab.Lab.Lan1Ip,
            sourceCidr = "203.0.113.0/24",
            reflection = true,
        });
        await Api.PostJsonAsync("/api/v1/port-forwards", new { name = "ssh", protocol = "tcp", externalPort = 2222, internalAddress = Lab.Lab.Lan2Ip, internalPort = 22 });
        await Api.PostJsonAsync("/api/v1/mac-filters", new { mac = TheLab.Lan2Mac, name = LongName, enabled = true });
        await Api.PostJsonAsync("/api/v1/static-leases", new { name = "lab-server-with-a-long-host-name", mac = TheLab.Lan2Mac, address = Lab.Lab.Lan2Ip });
        await Api.PostJsonAsync("/api/v1/rules", new
        {
            name = LongName,
            chain = "forward",
            protocol = "tcp",
            source = "192.168.50.0/24",
            destination = "198.51.100.0/24",
            destinationPort = 8000,
            destinationPortEnd = 8100,
            action = "reject",
            rejectWith = "tcp-reset",
            logLevel = "warn",
            limit = new { ratePerSecond = 10, burst = 20 },
        });
        await Api.PostJsonAsync("/api/v1/one-to-one", new
        {
            name = LongName,
            externalAddress = "203.0.113.20",
            internalAddress = Lab.Lab.Lan2Ip,
            addAddress = false,
        });
        await Api.PostJsonAsync("/api/v1/redirects", new { name = LongName, protocol = "both", port = 53, toPort = 53 });
        await Api.PostJsonAsync("/api/v1/policy-routes", new
        {
            name = LongName,
            source = "192.168.50.128/25",
            outInterface = TheLab.WanInterface,
            gateway = Lab.Lab.WanHostIp,
        });
        await Api.PostJsonAsync("/api/v1/pinholes", new { name = LongName, protocol = "both", port = 8443, portEnd = 8450, hostSuffix = "::10" });
        await TheLab.WaitAppliedAsync(Api);

        // A token is made in the panel (the REST route wants the password over Basic).
        await using var panel = await Panel.OpenAsync(chromium, TheLab);
        await panel.LoginAsync();
        await panel.OpenFromMenuAsync("Settings", "Settings");
        await panel.Page.GetByLabel("Token name").FillAsync(LongName);
        await panel.Page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
        await Expect(panel.Page.GetByLabel("New API token")).Not.ToHaveValueAsync("");
    }
}
