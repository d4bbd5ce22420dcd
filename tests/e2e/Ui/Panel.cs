using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gateway.Tests.E2e.Ui;

/// <summary>One browser context on a lab's admin panel: navigation, login and screenshots for a test.</summary>
public sealed partial class Panel : IAsyncDisposable
{
    public const int DesktopWidth = 1280;
    public const int PhoneWidth = 390;

    private readonly IBrowserContext _context;
    private readonly Lab.Lab _lab;
    private readonly List<string> _console = [];
    private readonly List<string> _foreignRequests = [];

    private Panel(IBrowserContext context, IPage page, Lab.Lab lab)
    {
        _context = context;
        Page = page;
        _lab = lab;
        // The browser's console and failed requests go to the artifacts: a red UI test then shows why.
        page.Console += (_, message) => Log($"console {message.Type}: {message.Text}");
        page.PageError += (_, error) => Log($"page error: {error}");
        page.RequestFailed += (_, request) => Log($"request failed: {request.Method} {request.Url} {request.Failure}");
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(lab.WebUrl + "/", StringComparison.Ordinal) && !request.Url.StartsWith("blob:", StringComparison.Ordinal)
                && !request.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                lock (_foreignRequests)
                {
                    _foreignRequests.Add(request.Url);
                }
            }
        };
    }

    public IPage Page { get; }

    /// <summary>Requests to anywhere but the appliance (a CDN, a font service): there must be none.</summary>
    public IReadOnlyList<string> ForeignRequests
    {
        get
        {
            lock (_foreignRequests)
            {
                return [.. _foreignRequests];
            }
        }
    }

    public static async Task<Panel> OpenAsync(Chromium chromium, Lab.Lab lab, int width = DesktopWidth, ColorScheme scheme = ColorScheme.Light)
    {
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = lab.WebUrl,
            ViewportSize = new ViewportSize { Width = width, Height = width == PhoneWidth ? 844 : 900 },
            ColorScheme = scheme,
            AcceptDownloads = true,
        });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        return new Panel(context, page, lab);
    }

    public async Task GotoAsync(string path)
    {
        await Page.GotoAsync(path);
    }

    /// <summary>Logs in through the login form and waits for the dashboard.</summary>
    public async Task LoginAsync(string password = Lab.Lab.AdminPassword)
    {
        await Page.GotoAsync("/login");
        await Page.GetByLabel("Password").FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(DashboardUrl());
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Level = 1 })).ToBeVisibleAsync();
        await WaitInteractiveAsync();
    }

    /// <summary>Opens a screen from the main menu, as a user would, and waits until it is interactive.</summary>
    public async Task OpenFromMenuAsync(string link, string heading)
    {
        await Page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
        await WaitInteractiveAsync();
    }

    /// <summary>Waits until the page runs over its live circuit (prerendered HTML shows before that).</summary>
    public Task WaitInteractiveAsync() =>
        Page.Locator("[data-interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    /// <summary>The whole page as a PNG in the lab's artifacts folder; returns the file path.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        var path = Path.Combine(_lab.ArtifactsDir, $"{name}.png");
        // From the top: a full-page shot of a scrolled page would paint the sticky header mid-page.
        await Page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    /// <summary>Nothing may push the page sideways; wide tables scroll inside their own box.</summary>
    public async Task AssertNoSidewaysScrollAsync(string screen)
    {
        var overflow = await Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        if (overflow > 0)
        {
            // Name the elements that stick out (outside any scroll box), so the failure says where to look.
            var culprits = await Page.EvaluateAsync<string>("""
                () => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                    .filter(e => { for (let a = e.parentElement; a; a = a.parentElement) { if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(a).overflowX)) return false; } return true; })
                    .slice(0, 5)
                    .map(e => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${[...e.classList].join('.')} (${Math.round(e.getBoundingClientRect().right)}px)`)
                    .join(', ')
                """);
            Assert.Fail($"{screen} is {overflow}px wider than the {Page.ViewportSize?.Width}px screen: {culprits}");
        }
    }

    /// <summary>Every visible input, select and textarea has a label the user can see (not only an aria-label).</summary>
    public async Task AssertEveryInputHasAVisibleLabelAsync(string screen)
    {
        var unlabelled = await Page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('input, select, textarea')]
                .filter(e => e.type !== 'hidden' && e.getClientRects().length > 0)
                .filter(e => ![...(e.labels ?? [])].some(l => l.innerText.trim().length > 0 && l.getClientRects().length > 0
                    && getComputedStyle(l).clip === 'auto'))
                .map(e => `${e.tagName.toLowerCase()}#${e.id || '?'}[${e.type}]`)
            """);
        Assert.True(unlabelled.Length == 0, $"{screen}: inputs without a visible label: {string.Join(", ", unlabelled)}");
    }

    public Regex DashboardUrl() => new($"^{Regex.Escape(_lab.WebUrl)}/?$");

    public Regex PathUrl(string path) => new($"^{Regex.Escape(_lab.WebUrl + path)}([?#].*)?$");

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        string[] lines;
        lock (_console)
        {
            lines = [.. _console];
        }

        if (lines.Length > 0)
        {
            await File.AppendAllLinesAsync(Path.Combine(_lab.ArtifactsDir, "browser.log"), lines);
        }
    }

    private void Log(string line)
    {
        lock (_console)
        {
            _console.Add($"{DateTime.Now:HH:mm:ss.fff} {Page.Url} {line}");
        }
    }
}
