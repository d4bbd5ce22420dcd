using System.Collections;

namespace Gateway.Web.State;

/// <summary>
/// One row of a list table as a write left it: <paramref name="Item"/> is the row's record now (inserted or updated),
/// null when deleted. <see cref="DesiredStateCache"/> applies it to the cached list instead of reading all rows back.
/// </summary>
/// <param name="IdOf">The record's id. A list is kept in id order, or (rules) in run order, where an update keeps its
/// place and a new row (the highest id) runs last: so an updated row stays where it is, and a new one goes before the
/// first higher id.</param>
internal sealed record RowChange(Type Entity, int Id, object? Item, Func<object, int> IdOf)
{
    /// <summary>A new list: <paramref name="list"/> with the row of <see cref="Id"/> replaced by <see cref="Item"/> (or removed), or with <see cref="Item"/> added.</summary>
    public IList Apply(IList list)
    {
        var result = (IList)Activator.CreateInstance(list.GetType(), list.Count + 1)!;
        var at = -1;
        var before = -1;
        for (var i = 0; i < list.Count; i++)
        {
            var id = IdOf(list[i]!);
            if (id == Id)
            {
                at = i;
            }
            else if (before < 0 && id > Id)
            {
                before = i;
            }
        }

        var place = at >= 0 ? at : before >= 0 ? before : list.Count;
        for (var i = 0; i < list.Count; i++)
        {
            if (i == place && Item is not null)
            {
                result.Add(Item);
            }

            if (i != at)
            {
                result.Add(list[i]);
            }
        }

        if (place == list.Count && Item is not null)
        {
            result.Add(Item);
        }

        return result;
    }
}
