using Gateway.Agent.Devices;

namespace Gateway.Tests.Unit.Agent;

/// <summary>The byte-delta math of device accounting: growth per connection id, DESTROY final counters, resyncs.</summary>
public sealed class DeviceLedgerTests
{
    private const string Phone = "02:00:00:00:00:01";
    private const string Laptop = "00:1b:21:00:00:02";

    [Fact]
    public void The_first_dump_is_a_baseline_and_later_dumps_add_only_growth()
    {
        var ledger = new DeviceLedger();
        Dump(ledger, 1000, (1, Phone, true, 500, 7000));
        Assert.Empty(ledger.Totals);

        Dump(ledger, 2000, (1, Phone, true, 800, 9000));
        // The phone opened it: original bytes are what it sent (tx), reply bytes what it got (rx).
        Assert.Equal(new DeviceBytes(2000, 300), ledger.Totals[Phone]);
    }

    [Fact]
    public void A_connection_first_listed_after_the_baseline_counts_whole_and_an_inbound_one_counts_the_other_way()
    {
        var ledger = new DeviceLedger();
        Dump(ledger, 1000);
        // A forward to the laptop: the original direction comes towards it.
        Dump(ledger, 2000, (5, Laptop, false, 4000, 100));
        Assert.Equal(new DeviceBytes(4000, 100), ledger.Totals[Laptop]);
    }

    [Fact]
    public void Destroy_adds_the_tail_since_the_last_dump_and_a_later_dump_or_event_adds_nothing_more()
    {
        var ledger = new DeviceLedger();
        Dump(ledger, 1000, (1, Phone, true, 100, 100));
        Dump(ledger, 2000, (1, Phone, true, 200, 300));
        ledger.Destroyed(1, 1000, Phone, true, 250, 1300);
        Assert.Equal(new DeviceBytes(1200, 150), ledger.Totals[Phone]);

        // A dump that raced the destroy still lists it at its final counters; a duplicate event repeats them.
        Dump(ledger, 3000, (1, Phone, true, 250, 1300));
        ledger.Destroyed(1, 1000, Phone, true, 250, 1300);
        Assert.Equal(new DeviceBytes(1200, 150), ledger.Totals[Phone]);
    }

    [Fact]
    public void A_connection_that_starts_and_ends_between_dumps_counts_whole_from_its_destroy_event()
    {
        var ledger = new DeviceLedger();
        Dump(ledger, 1000);
        ledger.Destroyed(9, 1500, Phone, true, 60, 5000);
        ledger.Destroyed(10, 1600, Phone, true, 40, 1000);
        Assert.Equal(new DeviceBytes(6000, 100), ledger.Totals[Phone]);
    }

    [Fact]
    public void A_destroy_before_the_baseline_or_of_a_connection_older_than_it_is_not_counted()
    {
        var ledger = new DeviceLedger();
        ledger.Destroyed(3, 10, Phone, true, 999, 999);
        Dump(ledger, 1000);
        // Started before this agent's baseline: an earlier agent counted it.
        ledger.Destroyed(4, 900, Phone, true, 999, 999);
        Assert.Empty(ledger.Totals);
    }

    [Fact]
    public void An_event_that_arrives_after_the_dump_that_missed_it_adds_only_its_tail()
    {
        var ledger = new DeviceLedger();
        Dump(ledger, 1000);
        Dump(ledger, 2000, (1, Phone, true, 100, 1000));
        // Ended just before the next dump; its DESTROY event was still queued behind that dump.
        Dump(ledger, 3000);
        ledger.Destroyed(1, 1500, Phone, true, 150, 1200);
        Assert.Equal(new DeviceBytes(1200, 150), ledger.Totals[Phone]);
    }

    [Fact]
    public void After_lost_events_a_fresh_dump_brings_live_connections_up_to_date_and_forgets_ended_ones()
    {
        var ledger = new DeviceLedger();
        Dump(ledger, 1000);
        Dump(ledger, 2000, (1, Phone, true, 100, 100), (2, Phone, true, 10, 10));
        // ENOBUFS: the DESTROY of 2 was lost, 3 began meanwhile. The resync dump:
        Dump(ledger, 3000, (1, Phone, true, 300, 400), (3, Phone, true, 50, 50));
        Assert.Equal(new DeviceBytes(110 + 300 + 50, 110 + 200 + 50), ledger.Totals[Phone]);
        Dump(ledger, 4000, (1, Phone, true, 300, 400), (3, Phone, true, 50, 50));
        Assert.Equal(2, ledger.Remembered);
    }

    [Fact]
    public void Counters_that_went_down_belong_to_a_new_connection_reusing_the_id()
    {
        var ledger = new DeviceLedger();
        Dump(ledger, 1000, (1, Phone, true, 5000, 5000));
        Dump(ledger, 2000, (1, Phone, true, 40, 60));
        Assert.Equal(new DeviceBytes(60, 40), ledger.Totals[Phone]);
    }

    [Fact]
    public void Traffic_of_no_device_and_of_the_router_itself_is_not_counted()
    {
        var ledger = new DeviceLedger();
        Dump(ledger, 1000);
        Dump(ledger, 2000, (1, null, true, 100, 100));
        ledger.Destroyed(2, 1500, null, true, 100, 100);
        Assert.Empty(ledger.Totals);
    }

    [Fact]
    public void A_dump_that_fails_half_way_forgets_nothing()
    {
        var ledger = new DeviceLedger();
        Dump(ledger, 1000, (1, Phone, true, 10, 10));
        for (var i = 0; i < DeviceLedger.MissedDumps + 1; i++)
        {
            ledger.BeginDump(2000);
        }

        Dump(ledger, 3000, (1, Phone, true, 20, 20));
        Assert.Equal(new DeviceBytes(10, 10), ledger.Totals[Phone]);
    }

    private static void Dump(DeviceLedger ledger, ulong startNs, params (uint Id, string? Mac, bool Original, ulong OriginalBytes, ulong ReplyBytes)[] entries)
    {
        ledger.BeginDump(startNs);
        foreach (var (id, mac, original, o, r) in entries)
        {
            ledger.Seen(id, mac, original, o, r);
        }

        ledger.EndDump();
    }
}
