using Gateway.Web.State;

namespace Gateway.Tests.Unit.Web;

/// <summary>The one-row patch every list write applies to the cached list, in id order and in the rules' run order.</summary>
public sealed class RowChangeTests
{
    private sealed record Item(int Id, string Value);

    private static List<Item> Apply(IEnumerable<int> ids, int id, string? value) =>
        (List<Item>)new RowChange(typeof(Item), id, value is null ? null : new Item(id, value), o => ((Item)o).Id)
            .Apply(ids.Select(i => new Item(i, "old")).ToList());

    [Fact]
    public void An_update_keeps_the_rows_place_even_when_the_list_is_not_in_id_order()
    {
        // Rules after a reorder: run order 5, 2, 9.
        var patched = Apply([5, 2, 9], 2, "new");

        Assert.Equal([5, 2, 9], patched.Select(i => i.Id));
        Assert.Equal("new", patched[1].Value);
    }

    [Fact]
    public void A_new_row_goes_before_the_first_higher_id_or_last()
    {
        Assert.Equal([1, 3, 4, 5], Apply([1, 3, 5], 4, "new").Select(i => i.Id));
        Assert.Equal([5, 2, 9, 10], Apply([5, 2, 9], 10, "new").Select(i => i.Id));
        Assert.Equal([7], Apply([], 7, "new").Select(i => i.Id));
    }

    [Fact]
    public void A_delete_removes_only_that_row()
    {
        Assert.Equal([5, 9], Apply([5, 2, 9], 2, null).Select(i => i.Id));
        Assert.Equal([5, 2, 9], Apply([5, 2, 9], 4, null).Select(i => i.Id));
    }
}
