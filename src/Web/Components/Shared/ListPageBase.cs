using Microsoft.AspNetCore.Components;

namespace Gateway.Web.Components.Shared;

/// <summary>
/// What the port-forward and MAC-filter list pages share: one add/edit form at a time, one page-level
/// error for row actions, and row actions that disable the page while they run and then reload it.
/// </summary>
public abstract class ListPageBase<TItem> : ComponentBase
    where TItem : class
{
    /// <summary>The entry the open form edits; null while adding.</summary>
    protected TItem? Editing { get; private set; }

    protected bool FormOpen { get; private set; }

    protected bool Busy { get; private set; }

    protected string? PageError { get; set; }

    /// <summary>Bumped when a toggle is refused: new rows redraw the switch the browser already flipped.</summary>
    protected int RowVersion { get; private set; }

    /// <summary>Reads the page's data again after a change.</summary>
    protected abstract Task ReloadAsync();

    protected void StartAdd() => OpenForm(null);

    protected void StartEdit(TItem item) => OpenForm(item);

    protected void CloseForm()
    {
        FormOpen = false;
        Editing = null;
    }

    protected async Task OnSavedAsync()
    {
        CloseForm();
        await ReloadAsync();
    }

    protected void RefuseToggle(string error)
    {
        PageError = error;
        RowVersion++;
    }

    protected async Task RunAsync(Func<Task> action)
    {
        PageError = null;
        Busy = true;
        try
        {
            await action();
            await ReloadAsync();
        }
        finally
        {
            Busy = false;
        }
    }

    private void OpenForm(TItem? item)
    {
        PageError = null;
        Editing = item;
        FormOpen = true;
    }
}
