using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Tests.E2e.Lab;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gateway.Tests.E2e.Ui;

/// <summary>
/// The list pages' own polish: bridge ports marked where links are picked, one button scale with row actions at
/// every row's end, phone cards without doubled borders, dark-mode disabled buttons that look disabled, hints with
/// addresses from the real LAN, and the dashboard's way to a first port forward.
/// </summary>
public sealed partial class LayoutTests
{
    [Fact]
    public async Task BridgePortsAreMarkedAndCannotBePickedAsTheWanOrTheLan()
    {
        await using var panel = await Panel.OpenAsync(chromium, TheLab);
        await panel.LoginAsync();
        await panel.OpenFromMenuAsync("Settings", "Settings");
        var page = panel.Page;

        // The lab's LAN is a bridge over lan1 and lan2 (scripts/lab.sh): both are its ports. Each radio is named by
        // its link alone and described by the rest, the bridge membership included.
        foreach (var picker in new[] { "WAN interface", "LAN interface" })
        {
            var links = page.GetByRole(AriaRole.Radiogroup, new() { Name = $"{picker}: detected links" });
            foreach (var port in new[] { "lan1", "lan2" })
            {
                var choice = links.GetByRole(AriaRole.Radio, new() { Name = port, Exact = true });
                await Expect(choice).ToHaveAccessibleDescriptionAsync(new Regex("member of br-lan"));
                await Expect(choice).ToBeDisabledAsync();
                await Expect(links.Locator("label.link", new() { Has = page.GetByRole(AriaRole.Radio, new() { Name = port, Exact = true }) }))
                    .ToContainTextAsync("member of br-lan");
            }

            var bridge = links.GetByRole(AriaRole.Radio, new() { Name = "br-lan", Exact = true });
            await Expect(bridge).Not.ToHaveAccessibleDescriptionAsync(new Regex("member of"));
            await Expect(bridge).ToBeEnabledAsync();
            await Expect(links.GetByRole(AriaRole.Radio, new() { Name = TheLab.WanInterface, Exact = true })).ToBeEnabledAsync();
        }

        // Over REST the list says the same, so a script can tell too.
        var listed = await Api.GetJsonArrayAsync("/api/v1/interfaces");
        Assert.Equal("br-lan", listed.Single(l => (string?)l!["name"] == "lan1")!["master"]?.GetValue<string>());
        Assert.Null(listed.Single(l => (string?)l!["name"] == "br-lan")!["master"]);
    }

    [Fact]
    public async Task TheBackupFileInputIsDrawnLikeTheOtherControls()
    {
        await using var panel = await Panel.OpenAsync(chromium, TheLab);
        await panel.LoginAsync();
        await panel.OpenFromMenuAsync("Settings", "Settings");
        var page = panel.Page;
        await Expect(page.GetByLabel("Backup file to restore")).ToBeEnabledAsync();

        var looks = await page.EvaluateAsync<string[]>("""
            () => {
                const file = document.getElementById('restore-file');
                const text = document.getElementById('token-name') ?? document.querySelector('main input[type=text]');
                const button = [...document.querySelectorAll('main button')].find(b => b.innerText.trim() === 'Download backup');
                const f = getComputedStyle(file), t = getComputedStyle(text), b = getComputedStyle(button);
                const picker = getComputedStyle(file, '::file-selector-button');
                return [
                    `border ${f.borderTopStyle} ${f.borderTopColor} ${f.borderTopLeftRadius}`, `border ${t.borderTopStyle} ${t.borderTopColor} ${t.borderTopLeftRadius}`,
                    // As tall as a text input, to the pixel (their font sizes differ by design).
                    `height ${Math.abs(file.getBoundingClientRect().height - text.getBoundingClientRect().height) <= 1 ? 'same' : file.getBoundingClientRect().height}`, 'height same',
                    `picker ${picker.backgroundColor} ${picker.borderTopStyle} ${picker.fontWeight}`, `picker ${b.backgroundColor} ${b.borderTopStyle} ${b.fontWeight}`,
                ];
            }
            """);
        // Pairs: the file input's look, then the text input's (or the plain button's, for the picker inside it).
        for (var i = 0; i < looks.Length; i += 2)
        {
            Assert.Equal(looks[i + 1], looks[i]);
        }
    }

    // Every visible button in main: its height, rounded, with its text for the failure message.
    private const string ButtonHeights = """
        () => [...document.querySelectorAll('main button')].filter(b => b.getClientRects().length > 0)
            .map(b => `${Math.round(b.getBoundingClientRect().height)}:${(b.getAttribute('aria-label') ?? b.innerText).trim().slice(0, 30)}`)
        """;

    // Every row with buttons: they all sit in its last cell, end at that cell's right edge, Edit before Delete/Revoke,
    // the destructive one last.
    private const string MisplacedActions = """
        () => {
            const out = [];
            for (const tr of document.querySelectorAll('main table.grid tbody tr')) {
                const buttons = [...tr.querySelectorAll('button')].filter(b => b.getClientRects().length > 0);
                if (buttons.length === 0) continue;
                const row = (tr.querySelector('th') ?? tr).innerText.trim().slice(0, 25);
                const last = tr.lastElementChild;
                const stray = buttons.filter(b => !last.contains(b));
                if (stray.length > 0) out.push(`${row}: ${stray.map(b => b.innerText.trim()).join(', ')} not in the last cell`);
                const s = getComputedStyle(last), c = last.getBoundingClientRect();
                const edge = c.right - parseFloat(s.paddingRight) - parseFloat(s.borderRightWidth);
                const right = Math.max(...buttons.map(b => b.getBoundingClientRect().right));
                if (Math.abs(edge - right) > 2) out.push(`${row}: buttons end ${Math.round(edge - right)}px left of the cell's right edge`);
                const names = buttons.map(b => b.innerText.trim());
                const edit = names.indexOf('Edit'), destroy = names.findIndex(n => n === 'Delete' || n === 'Revoke');
                if (destroy >= 0 && destroy !== names.length - 1) out.push(`${row}: ${names[destroy]} is not last (${names.join(', ')})`);
                if (edit >= 0 && destroy >= 0 && edit > destroy) out.push(`${row}: Edit after ${names[destroy]}`);
            }
            return out;
        }
        """;

    [Fact]
    public async Task ButtonsComeInTwoSizesAndEveryRowEndsWithItsActions()
    {
        await SeedAsync();
        await using var panel = await Panel.OpenAsync(chromium, TheLab);
        await panel.LoginAsync();
        var page = panel.Page;
        var heights = new Dictionary<int, List<string>>();
        foreach (var (path, heading) in ListPages)
        {
            await page.GotoAsync(path);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
            await panel.WaitInteractiveAsync();
            await Expect(page.Locator("main table.grid tbody tr").First).ToBeVisibleAsync();
            await OpenAddFormsAsync(page, path);
            foreach (var entry in await page.EvaluateAsync<string[]>(ButtonHeights))
            {
                var height = int.Parse(entry[..entry.IndexOf(':', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
                (heights.TryGetValue(height, out var names) ? names : heights[height] = []).Add($"{path} {entry[(entry.IndexOf(':', StringComparison.Ordinal) + 1)..]}");
            }

            var misplaced = await page.EvaluateAsync<string[]>(MisplacedActions);
            Assert.True(misplaced.Length == 0, $"{path}: {string.Join("; ", misplaced)}");
        }

        Assert.True(heights.Count <= 2, "button heights: " + string.Join(" | ", heights.OrderBy(h => h.Key).Select(h => $"{h.Key}px: {string.Join(", ", h.Value.Distinct().Take(6))}")));
    }

    // At a phone's width: a framed box (a card, a form's subcard, a table row drawn as a card) inside another frame,
    // with a border on the same side less than 16px (a card's padding) from the outer one, or any bordered element
    // within 2px of a frame's border: either draws one edge as two lines. What a clip hides draws nothing: a stacked
    // grid's header row stays in the page for screen readers, clipped to nothing (the log tail's, once a line arrives).
    private const string DoubledBorders = """
        () => {
            const out = [];
            const frames = 'main .card, main .subcard, main table.grid tbody tr';
            const drawn = (s, side) => parseFloat(s[`border${side}Width`]) > 0 && s[`border${side}Style`] !== 'none' && s[`border${side}Color`] !== 'rgba(0, 0, 0, 0)';
            const name = e => `${e.tagName.toLowerCase()}${[...e.classList].map(c => '.' + c).join('')}`;
            const clipped = (e, box) => { for (let a = e; a && a !== box; a = a.parentElement) if (getComputedStyle(a).clip !== 'auto') return true; return false; };
            for (const box of document.querySelectorAll(frames)) {
                if (box.getClientRects().length === 0) continue;
                const bs = getComputedStyle(box), b = box.getBoundingClientRect();
                for (const e of box.querySelectorAll('*')) {
                    if (e.getClientRects().length === 0 || clipped(e, box)) continue;
                    const s = getComputedStyle(e), r = e.getBoundingClientRect();
                    const limit = e.matches(frames) ? 16 : 2;
                    const sides = { Top: r.top - b.top, Bottom: b.bottom - r.bottom, Left: r.left - b.left, Right: b.right - r.right };
                    for (const [side, gap] of Object.entries(sides)) {
                        if (gap < limit && drawn(s, side) && drawn(bs, side)) {
                            out.push(`${name(e)} "${(e.innerText ?? '').trim().slice(0, 20)}" ${Math.round(gap)}px inside the ${side.toLowerCase()} border of ${name(box)}`);
                        }
                    }
                }
            }
            return [...new Set(out)].slice(0, 8);
        }
        """;

    [Fact]
    public async Task PhoneCardsDrawEachBorderOnce()
    {
        await SeedAsync();
        await using var panel = await Panel.OpenAsync(chromium, TheLab, Panel.PhoneWidth);
        await panel.LoginAsync();
        var page = panel.Page;
        foreach (var (path, heading) in ListPages.Append(("/", "Dashboard")).Append(("/logging", "Logging")))
        {
            await page.GotoAsync(path);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
            await panel.WaitInteractiveAsync();
            await OpenAddFormsAsync(page, path);
            await panel.ScreenshotAsync($"phone-cards-{path.Trim('/')}");
            var doubled = await page.EvaluateAsync<string[]>(DoubledBorders);
            Assert.True(doubled.Length == 0, $"{path} at {Panel.PhoneWidth}px: {string.Join("; ", doubled)}");
            var misplaced = await page.EvaluateAsync<string[]>(MisplacedActions);
            Assert.True(misplaced.Length == 0, $"{path} at {Panel.PhoneWidth}px: {string.Join("; ", misplaced)}");
        }
    }

    // How far a button stands out: its fill against what is behind it, and its text against its fill, both as WCAG
    // contrast ratios of the colours as drawn (the button's opacity blends it into the background).
    private const string ButtonLook = """
        text => {
            const b = [...document.querySelectorAll('main button')].find(e => e.innerText.trim() === text);
            const rgba = c => { const m = c.match(/[\d.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
            const over = (top, under, alpha) => [0, 1, 2].map(i => top[i] * alpha + under[i] * (1 - alpha));
            const lum = c => { const [r, g, b] = c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
            const contrast = (x, y) => { const [a, b] = [lum(x), lum(y)].sort((p, q) => q - p); return (a + 0.05) / (b + 0.05); };
            let behind = null;
            for (let a = b.parentElement; a && !behind; a = a.parentElement) {
                const c = rgba(getComputedStyle(a).backgroundColor);
                if (c[3] > 0) behind = c;
            }
            const s = getComputedStyle(b), opacity = parseFloat(s.opacity);
            const fillColour = rgba(s.backgroundColor);
            const fill = over(over(fillColour, behind, fillColour[3]), behind, opacity);
            const ink = over(rgba(s.color), fill, opacity);
            return { fill: contrast(fill, behind), text: contrast(ink, fill), opacity, cursor: s.cursor, disabled: b.disabled };
        }
        """;

    private sealed class Look
    {
        public double Fill { get; set; }

        public double Text { get; set; }

        public double Opacity { get; set; }

        public string Cursor { get; set; } = "";

        public bool Disabled { get; set; }

        public override string ToString() =>
            FormattableString.Invariant($"(fill {Fill:0.00}, text {Text:0.00}, opacity {Opacity}, cursor {Cursor})");
    }

    [Fact]
    public async Task InDarkModeADisabledButtonStandsOutLessThanAnEnabledOne()
    {
        await using var panel = await Panel.OpenAsync(chromium, TheLab, scheme: ColorScheme.Dark);
        await panel.LoginAsync();
        await panel.OpenFromMenuAsync("Settings", "Settings");
        var page = panel.Page;
        // Restore waits for a file: a disabled primary button beside an enabled plain one; Save network is enabled.
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Download backup" })).ToBeEnabledAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Restore", Exact = true })).ToBeDisabledAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Save network" })).ToBeEnabledAsync();

        var disabled = await page.EvaluateAsync<Look>(ButtonLook, "Restore");
        var primary = await page.EvaluateAsync<Look>(ButtonLook, "Save network");
        var plain = await page.EvaluateAsync<Look>(ButtonLook, "Download backup");
        await panel.ScreenshotAsync("dark-settings-buttons");

        Assert.True(disabled.Disabled && !primary.Disabled && !plain.Disabled);
        var looks = $"disabled {disabled}, enabled primary {primary}, enabled plain {plain}";
        Assert.True(disabled.Fill < primary.Fill && disabled.Fill <= plain.Fill, $"fill: {looks}");
        Assert.True(disabled.Text < primary.Text && disabled.Text < plain.Text, $"text: {looks}");
        Assert.True(disabled.Opacity < 1, looks);
        Assert.Equal("not-allowed", disabled.Cursor);
    }

    // Every hint and placeholder in main; the private IPv4 addresses in them.
    private const string Hints = """
        () => [...document.querySelectorAll('main .hint, main [placeholder]')].filter(e => e.getClientRects().length > 0)
            .map(e => e.getAttribute('placeholder') ?? e.innerText.trim())
        """;

    private static readonly Regex PrivateIpv4 = new(@"\b(?:10|192\.168|172\.(?:1[6-9]|2\d|3[01]))(?:\.\d{1,3}){1,3}\b");

    [Fact]
    public async Task AddFormHintsGiveExamplesFromTheRealLan()
    {
        await using var panel = await Panel.OpenAsync(chromium, TheLab);
        await panel.LoginAsync();
        var page = panel.Page;
        var texts = new List<string>();
        foreach (var (path, heading) in ListPages.Where(p => p.Path != "/settings"))
        {
            await page.GotoAsync(path);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
            await panel.WaitInteractiveAsync();
            await OpenAddFormsAsync(page, path);
            texts.AddRange((await page.EvaluateAsync<string[]>(Hints)).Select(t => $"{path}: {t}"));
        }

        Assert.DoesNotContain(texts, t => t.Contains("192.168.1.", StringComparison.Ordinal));
        // The lab's LAN is 192.168.50.1/24: every private address shown is one of it.
        var foreign = texts.Where(t => PrivateIpv4.Matches(t).Any(m => !m.Value.StartsWith("192.168.50.", StringComparison.Ordinal))).ToList();
        Assert.True(foreign.Count == 0, string.Join(" | ", foreign));
        Assert.Contains(texts, t => t.StartsWith("/port-forwards: The LAN device, e.g. 192.168.50.20", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("e.g. 192.168.50.20 or 192.168.50.128/25", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnEmptyDashboardLinksToTheAddFormWhoseLogChoiceReadsTheSameOnEdit()
    {
        // The dashboard says "Add one" only while there are no forwards: set aside the class's rows, put them back after.
        var kept = await Api.GetJsonArrayAsync("/api/v1/port-forwards");
        foreach (var forward in kept)
        {
            await Api.DeleteAsync($"/api/v1/port-forwards/{forward!["id"]}");
        }

        try
        {
            await using var panel = await Panel.OpenAsync(chromium, TheLab);
            await panel.LoginAsync();
            var page = panel.Page;
            var forwards = page.GetByRole(AriaRole.Table).Filter(new() { HasText = "Forward" });
            await Expect(forwards).ToContainTextAsync("No port forwards yet.");
            await forwards.GetByRole(AriaRole.Link, new() { Name = "Add one" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(panel.PathUrl("/port-forwards"));
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Add a port forward" })).ToBeVisibleAsync();
            await panel.WaitInteractiveAsync();

            // Added with no level of its own, the forward reads the same on Edit as it did on Add.
            var log = page.GetByLabel("Log matches");
            await Expect(log.Locator("option:checked")).ToHaveTextAsync("As the logging policy says");
            await page.GetByLabel("Name", new() { Exact = true }).FillAsync("dashboard first");
            await page.GetByLabel("External port").FillAsync("2323");
            await page.GetByLabel("Internal address").FillAsync(Lab.Lab.Lan1Ip);
            await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Edit dashboard first" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Edit “dashboard first”" })).ToBeVisibleAsync();
            await Expect(log.Locator("option:checked")).ToHaveTextAsync("As the logging policy says");

            // One added over REST without a level reads the same too.
            var rest = await Api.PostJsonAsync("/api/v1/port-forwards", new { name = "rest first", protocol = "udp", externalPort = 2324, internalAddress = Lab.Lab.Lan2Ip });
            Assert.Null(rest!["logLevel"]);
            await page.GotoAsync("/port-forwards");
            await panel.WaitInteractiveAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Edit rest first" }).ClickAsync();
            await Expect(log.Locator("option:checked")).ToHaveTextAsync("As the logging policy says");
        }
        finally
        {
            foreach (var forward in await Api.GetJsonArrayAsync("/api/v1/port-forwards"))
            {
                await Api.DeleteAsync($"/api/v1/port-forwards/{forward!["id"]}");
            }

            foreach (var forward in kept.OfType<JsonObject>())
            {
                var body = forward.DeepClone().AsObject();
                body.Remove("id");
                await Api.PostJsonAsync("/api/v1/port-forwards", body);
            }
        }
    }

    // Opens every add form a list page has, so their buttons, borders and hints are measured too.
    private static async Task OpenAddFormsAsync(IPage page, string path)
    {
        string[] adds = path switch
        {
            "/port-forwards" => ["Add port forward"],
            "/mac-filters" => ["Add device"],
            "/firewall" => ["Add rule"],
            "/nat" => ["Add 1:1 entry", "Add policy route", "Add redirect"],
            "/pinholes" => ["Add pinhole"],
            "/lan" => ["Add static lease"],
            _ => [],
        };
        foreach (var add in adds)
        {
            var button = page.GetByRole(AriaRole.Button, new() { Name = add, Exact = true });
            await button.ClickAsync();
            await Expect(button).ToBeDisabledAsync();
        }
    }
}
