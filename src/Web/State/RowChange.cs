using System.Collections;

namespace Gateway.Web.State;

/// <summary>
/// One row of a list table as a write left it: <paramref name="Item"/> is the row's record now (inserted or updated),
/// null when deleted. <see cref="DesiredStateCache"/> applies it to the cached list (kept in id order) instead of
/// reading all rows back.
/// </summary>
/// <param name="IdOf">The record's id (lists are kept in id order).</param>
internal sealed record RowChange(Type Entity, int Id, object? Item, Func<object, int> IdOf)
{
    /// <summary>A new list: <paramref name="list"/> (in id order) without the row of <see cref="Id"/>, and with <see cref="Item"/> in its place.</summary>
    public IList Apply(IList list)
    {
        var result = (IList)Activator.CreateInstance(list.GetType(), list.Count + 1)!;
        var placed = Item is null;
        foreach (var existing in list)
        {
            var id = IdOf(existing!);
            if (!placed && id > Id)
            {
                result.Add(Item);
                placed = true;
            }

            if (id != Id)
            {
                result.Add(existing);
            }
        }

        if (!placed)
        {
            result.Add(Item);
        }

        return result;
    }
}
