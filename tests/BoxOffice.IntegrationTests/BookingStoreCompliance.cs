using BoxOffice.Server.Storage;

namespace BoxOffice.IntegrationTests;

/// <summary>A migrated store on a database of its own, and a way around the store to break its data on purpose.</summary>
public abstract class StoreFixture : IAsyncLifetime
{
    public IBookingStore Store { get; protected set; } = null!;

    public abstract Task ExecuteSqlAsync(string sql);

    public abstract ValueTask InitializeAsync();

    public abstract ValueTask DisposeAsync();
}

/// <summary>
/// What every <see cref="IBookingStore"/> must do, run against each backend by a subclass. The store is
/// used directly, with no desk in front: these are the rules that hold even when desks disagree.
/// </summary>
public abstract class BookingStoreCompliance(StoreFixture fixture)
{
    private const string TokenHash = "token-hash";

    private IBookingStore Store => fixture.Store;

    private async Task<string> NewEventAsync(string prefix = "ev")
    {
        var id = $"{prefix}-{Guid.NewGuid():N}"[..20];
        var created = await Store.CreateEventAsync(
            new EventRow(id, $"Event {id}", """{"template":"a320"}""", new Dictionary<string, long> { ["standard"] = 0 }, "EUR", 60, 60, 0, 1_000),
            "test", CancellationToken.None);
        Assert.True(created);
        return id;
    }

    private Task<FlightCreation> CreateFlightAsync(string id, int maxFlights, long createdAtMs = 1_000) => Store.CreateFlightAsync(
        new EventRow(id, $"Flight {id}", """{"template":"a320"}""", new Dictionary<string, long> { ["standard"] = 0 }, "EUR", 60, 60, 0, createdAtMs, Tutorial: true),
        maxFlights,
        CancellationToken.None);

    private static string NewFlightId() => $"fl-{Guid.NewGuid():N}"[..20];

    /// <summary>The bound counts every tutorial flight in the database: earlier tests' flights become ordinary events, so a test starts from none.</summary>
    private Task ForgetEarlierFlightsAsync() => fixture.ExecuteSqlAsync("UPDATE events SET tutorial = FALSE WHERE tutorial");

    private static CommitBatch Batch(string eventId, long from, params StoreWrite[] writes) => new(
        eventId,
        from,
        from + 1,
        writes.OfType<ReleaseSeat>().Count() - writes.OfType<ClaimSeat>().Count() - writes.OfType<HoldSeat>().Count(),
        2_000 + from,
        writes);

    private static StoreWrite[] Booking(string reference, params (string Seat, string Name)[] seats) =>
        [new InsertBooking(reference, TokenHash), .. seats.Select(s => new ClaimSeat(s.Seat, reference, s.Name))];

    private static string NewReference() => Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    private Task CommitAsync(CommitBatch batch) => Store.CommitAsync(batch, CancellationToken.None);

    private async Task<StoredEvent> LoadAsync(string eventId) => (await Store.LoadEventAsync(eventId, CancellationToken.None))!;

    [Fact]
    public async Task A_created_event_is_listed_and_loads_at_version_zero_with_every_seat_free()
    {
        var id = await NewEventAsync();

        var stored = await LoadAsync(id);

        Assert.Equal((0L, 60, 60, "EUR", 0L), (stored.Event.Version, stored.Event.SeatCount, stored.Event.AvailableCount, stored.Event.Currency, stored.Event.Prices["standard"]));
        Assert.Empty(stored.Seats);
        Assert.Contains(await Store.ListEventsAsync(0, forStaff: false, CancellationToken.None), e => e.Event.Id == id && e.Available == 60 && e.Held == 0);
    }

    [Fact]
    public async Task Creating_an_event_whose_id_is_taken_changes_nothing()
    {
        var id = await NewEventAsync();

        var again = await Store.CreateEventAsync(
            new EventRow(id, "Impostor", """{"template":"cinema"}""", new Dictionary<string, long>(), "USD", 10, 10, 0, 5_000), "test", CancellationToken.None);

        Assert.False(again);
        Assert.Equal(($"Event {id}", 60), ((await LoadAsync(id)).Event.Title, (await LoadAsync(id)).Event.SeatCount));
    }

    [Fact]
    public async Task Unknown_events_and_bookings_are_null()
    {
        Assert.Null(await Store.LoadEventAsync("no-such-event", CancellationToken.None));
        Assert.Null(await Store.AuditAsync("no-such-event", CancellationToken.None));
        Assert.Null(await Store.GetBookingAsync("NOSUCHRF", CancellationToken.None));
    }

    [Fact]
    public async Task A_committed_batch_moves_the_version_and_stores_each_claim_with_its_name()
    {
        var id = await NewEventAsync();
        var (ada, bob) = (NewReference(), NewReference());

        await CommitAsync(Batch(id, 0, [.. Booking(ada, ("1A", "Ada"), ("1B", "Ada's son")), .. Booking(bob, ("3F", "Bob"))]));

        var stored = await LoadAsync(id);
        Assert.Equal((1L, 57), (stored.Event.Version, stored.Event.AvailableCount));
        Assert.Equal(
            [new StoredSeat("1A", "booked", ada, "Ada"), new StoredSeat("1B", "booked", ada, "Ada's son"), new StoredSeat("3F", "booked", bob, "Bob")],
            stored.Seats.OrderBy(s => s.Seat, StringComparer.Ordinal));
        var booking = (await Store.GetBookingAsync(ada, CancellationToken.None))!;
        Assert.Equal((id, TokenHash, 2_000L, (long?)null), (booking.EventId, booking.ManageTokenHash, booking.CreatedAtMs, booking.CancelledAtMs));
        Assert.Equal([new StoredBookingSeat("1A", "Ada", false), new StoredBookingSeat("1B", "Ada's son", false)], booking.Seats);
    }

    [Fact]
    public async Task A_batch_from_a_version_the_event_has_left_is_refused_and_leaves_nothing_behind()
    {
        var id = await NewEventAsync();
        await CommitAsync(Batch(id, 0, Booking(NewReference(), ("1A", "Ada"))));
        var late = NewReference();

        await Assert.ThrowsAsync<StoreConflictException>(() => CommitAsync(Batch(id, 0, Booking(late, ("2A", "Late")))));

        var stored = await LoadAsync(id);
        Assert.Equal((1L, 59), (stored.Event.Version, stored.Event.AvailableCount));
        Assert.DoesNotContain(stored.Seats, s => s.Seat == "2A");
        Assert.Null(await Store.GetBookingAsync(late, CancellationToken.None));
    }

    [Fact]
    public async Task Claiming_a_booked_seat_refuses_the_whole_batch_including_the_writes_before_it()
    {
        var id = await NewEventAsync();
        var ada = NewReference();
        await CommitAsync(Batch(id, 0, Booking(ada, ("5C", "Ada"))));
        var (early, greedy) = (NewReference(), NewReference());

        await Assert.ThrowsAsync<StoreConflictException>(() => CommitAsync(Batch(id, 1, [.. Booking(early, ("6C", "Early")), .. Booking(greedy, ("5C", "Greedy"))])));

        var stored = await LoadAsync(id);
        Assert.Equal((1L, 59), (stored.Event.Version, stored.Event.AvailableCount));
        Assert.Equal([new StoredSeat("5C", "booked", ada, "Ada")], stored.Seats);
        Assert.Null(await Store.GetBookingAsync(early, CancellationToken.None));
        Assert.Null(await Store.GetBookingAsync(greedy, CancellationToken.None));
    }

    [Fact]
    public async Task A_second_live_claim_on_a_seat_is_refused_by_the_unique_index_even_when_the_seat_row_says_available()
    {
        var id = await NewEventAsync();
        await CommitAsync(Batch(id, 0, Booking(NewReference(), ("7D", "Ada"))));
        // A bug elsewhere frees the seat row but leaves Ada's claim live.
        await fixture.ExecuteSqlAsync($"UPDATE seats SET status = 'available', booking_ref = NULL WHERE event_id = '{id}' AND seat = '7D'");

        await Assert.ThrowsAsync<StoreConflictException>(() => CommitAsync(Batch(id, 1, Booking(NewReference(), ("7D", "Bob")))));

        Assert.Equal(1L, (await LoadAsync(id)).Event.Version);
    }

    [Fact]
    public async Task A_booking_reference_is_used_once()
    {
        var id = await NewEventAsync();
        var reference = NewReference();
        await CommitAsync(Batch(id, 0, Booking(reference, ("1A", "Ada"))));

        await Assert.ThrowsAsync<StoreConflictException>(() => CommitAsync(Batch(id, 1, Booking(reference, ("2A", "Bob")))));
    }

    [Fact]
    public async Task Of_two_events_batches_committed_at_once_the_one_a_unique_key_refuses_fails_alone_whichever_goes_first()
    {
        // The writer commits a group in event-id order: once with the refused batch first, once with it last.
        foreach (var (goodPrefix, badPrefix) in new[] { ("ev-b", "ev-a"), ("ev-a", "ev-b") })
        {
            var (good, bad) = (await NewEventAsync(goodPrefix), await NewEventAsync(badPrefix));
            var taken = NewReference();
            await CommitAsync(Batch(bad, 0, Booking(taken, ("1A", "Ada"))));
            var (bob, again) = (NewReference(), NewReference());

            var committing = CommitAsync(Batch(good, 0, Booking(bob, ("1A", "Bob"))));
            var refused = CommitAsync(Batch(bad, 1, [.. Booking(again, ("2A", "Cy")), new InsertBooking(taken, TokenHash)]));

            await committing;
            await Assert.ThrowsAsync<StoreConflictException>(() => refused);
            await AssertEventAsync(good, 1, new StoredSeat("1A", "booked", bob, "Bob"));
            await AssertEventAsync(bad, 1, new StoredSeat("1A", "booked", taken, "Ada"));
            Assert.Null(await Store.GetBookingAsync(again, CancellationToken.None));
        }
    }

    [Fact]
    public async Task Batches_of_many_events_committed_at_once_each_commit_or_fail_alone_and_are_readable_once_acknowledged()
    {
        var events = await Task.WhenAll(Enumerable.Range(0, 24).Select(async _ =>
        {
            var id = await NewEventAsync();
            var ada = NewReference();
            await CommitAsync(Batch(id, 0, Booking(ada, ("1A", "Ada"))));
            return (Id: id, Ada: ada);
        }));

        // Four kinds, in whatever order the event ids put them: a good batch, a stale version, a booked seat
        // after a good claim, and a reference already used (an error inside the database, not just a missed row).
        var committed = await Task.WhenAll(events.Select(async (e, i) =>
        {
            var (early, late) = (NewReference(), NewReference());
            var batch = (i % 4) switch
            {
                0 => Batch(e.Id, 1, Booking(late, ("2A", "Bob"))),
                1 => Batch(e.Id, 0, Booking(late, ("3A", "Stale"))),
                2 => Batch(e.Id, 1, [.. Booking(early, ("4A", "Early")), .. Booking(late, ("1A", "Greedy"))]),
                _ => Batch(e.Id, 1, [.. Booking(early, ("5A", "Early")), new InsertBooking(e.Ada, TokenHash)]),
            };
            var ada = new StoredSeat("1A", "booked", e.Ada, "Ada");
            try
            {
                await CommitAsync(batch);
            }
            catch (StoreConflictException)
            {
                await AssertEventAsync(e.Id, 1, ada);
                Assert.Null(await Store.GetBookingAsync(early, CancellationToken.None));
                return false;
            }
            // Acknowledged means committed: another connection sees it at once.
            await AssertEventAsync(e.Id, 2, ada, new StoredSeat("2A", "booked", late, "Bob"));
            return true;
        }));

        Assert.Equal(events.Select((_, i) => i % 4 == 0), committed);
        foreach (var e in events)
            Assert.Empty((await Store.AuditAsync(e.Id, CancellationToken.None))!.Anomalies);
    }

    private async Task AssertEventAsync(string eventId, long version, params StoredSeat[] seats)
    {
        var stored = await LoadAsync(eventId);
        Assert.Equal(version, stored.Event.Version);
        Assert.Equal(seats, stored.Seats.OrderBy(s => s.Seat, StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_released_seat_is_free_again_and_another_booking_can_claim_it()
    {
        var id = await NewEventAsync();
        var ada = NewReference();
        await CommitAsync(Batch(id, 0, Booking(ada, ("1A", "Ada"), ("1B", "Bob"))));

        await CommitAsync(Batch(id, 1, new ReleaseSeat("1A", ada), new ReleaseSeat("1B", ada), new CancelBooking(ada)));
        var cy = NewReference();
        await CommitAsync(Batch(id, 2, Booking(cy, ("1A", "Cy"))));

        var stored = await LoadAsync(id);
        Assert.Equal((3L, 59), (stored.Event.Version, stored.Event.AvailableCount));
        Assert.Equal([new StoredSeat("1A", "booked", cy, "Cy")], stored.Seats);
        var cancelled = (await Store.GetBookingAsync(ada, CancellationToken.None))!;
        Assert.Equal(2_001L, cancelled.CancelledAtMs);
        Assert.All(cancelled.Seats, seat => Assert.True(seat.Released));
        var audit = (await Store.AuditAsync(id, CancellationToken.None))!;
        Assert.Empty(audit.Anomalies);
    }

    [Fact]
    public async Task A_seat_claimed_and_released_in_one_batch_ends_up_free()
    {
        var id = await NewEventAsync();
        var (ada, again) = (NewReference(), NewReference());

        // The tutorial's "a passenger moves": booked, then moved on, before the batch commits.
        await CommitAsync(Batch(id, 0, [.. Booking(ada, ("1A", "Ada")), new ReleaseSeat("1A", ada), .. Booking(again, ("2A", "Ada"))]));

        var stored = await LoadAsync(id);
        Assert.Equal([new StoredSeat("2A", "booked", again, "Ada")], stored.Seats);
        Assert.Equal(59, stored.Event.AvailableCount);
    }

    [Fact]
    public async Task Releasing_a_seat_the_booking_does_not_hold_is_refused()
    {
        var id = await NewEventAsync();
        var (ada, bob) = (NewReference(), NewReference());
        await CommitAsync(Batch(id, 0, [.. Booking(ada, ("1A", "Ada")), .. Booking(bob, ("1B", "Bob"))]));

        await Assert.ThrowsAsync<StoreConflictException>(() => CommitAsync(Batch(id, 1, new ReleaseSeat("1A", bob))));
        await Assert.ThrowsAsync<StoreConflictException>(() => CommitAsync(Batch(id, 1, new ReleaseSeat("9F", ada))));

        Assert.Equal(2, (await LoadAsync(id)).Seats.Count);
    }

    [Fact]
    public async Task Cancelling_a_booking_twice_is_refused_the_second_time()
    {
        var id = await NewEventAsync();
        var ada = NewReference();
        await CommitAsync(Batch(id, 0, Booking(ada, ("1A", "Ada"))));
        await CommitAsync(Batch(id, 1, new ReleaseSeat("1A", ada), new CancelBooking(ada)));

        await Assert.ThrowsAsync<StoreConflictException>(() => CommitAsync(Batch(id, 2, new CancelBooking(ada))));

        Assert.Equal(2L, (await LoadAsync(id)).Event.Version);
    }

    [Fact]
    public async Task The_audit_of_a_healthy_event_counts_its_claims_and_finds_nothing_wrong()
    {
        var id = await NewEventAsync();
        await CommitAsync(Batch(id, 0, [.. Booking(NewReference(), ("1A", "Ada"), ("1B", "Bob")), .. Booking(NewReference(), ("2A", "Cy"))]));

        var audit = (await Store.AuditAsync(id, CancellationToken.None))!;

        Assert.Equal((1L, 60, 57, 3), (audit.Version, audit.SeatCount, audit.AvailableCount, audit.ClaimedByStatus["booked"]));
        Assert.Empty(audit.Anomalies);
    }

    [Fact]
    public async Task The_audit_finds_data_broken_behind_the_stores_back()
    {
        var id = await NewEventAsync();
        var ada = NewReference();
        await CommitAsync(Batch(id, 0, [.. Booking(ada, ("1A", "Ada")), .. Booking(NewReference(), ("1B", "Bob"))]));

        await fixture.ExecuteSqlAsync($"""
            INSERT INTO seats (event_id, seat, status, booking_ref, version) VALUES ('{id}', '9F', 'booked', 'GHOST123', 1);
            UPDATE seats SET status = 'available', booking_ref = NULL WHERE event_id = '{id}' AND seat = '1A';
            """);
        var audit = (await Store.AuditAsync(id, CancellationToken.None))!;

        Assert.Equal(2, audit.Anomalies.Count);
        Assert.Contains(audit.Anomalies, a => a is { Kind: "seat_without_booking", Seat: "9F", Reference: "GHOST123" });
        Assert.Contains(audit.Anomalies, a => a.Kind == "booking_without_seat" && a.Seat == "1A" && a.Reference == ada);
    }
    private static NewOrder Order(string orderId, string key, long expiresAtMs, int tickets) =>
        new(orderId, key, "request-hash", "buyer@example.com", TokenHash, "pay_" + orderId, 2500L * tickets, "EUR", expiresAtMs, tickets);

    [Fact]
    public async Task An_idempotency_key_of_another_events_order_is_refused_for_good()
    {
        var first = await NewEventAsync();
        var second = await NewEventAsync();
        var (key, orderId) = ("key-" + NewReference(), "ord_" + NewReference());
        await CommitAsync(Batch(first, 0, new InsertOrder(Order(orderId, key, 99_000, 1)), new HoldSeat("1A", orderId, "Ada")));

        var refused = await Assert.ThrowsAsync<StoreConflictException>(() =>
            CommitAsync(Batch(second, 0, new InsertOrder(Order("ord_" + NewReference(), key, 99_000, 1)))));

        Assert.Equal(StoreRefusal.IdempotencyKeyTaken, refused.Refusal);
        Assert.Equal(0, (await LoadAsync(second)).Event.Version);
    }

    [Fact]
    public async Task An_order_moves_through_hold_payment_and_tickets_each_step_once()
    {
        var id = await NewEventAsync();
        var orderId = "ord_" + NewReference();
        await CommitAsync(Batch(id, 0, new InsertOrder(Order(orderId, orderId + "-key", 99_000, 2)), new HoldSeat("1A", orderId, "Ada"), new HoldSeat("1B", orderId, "Bob")));

        var held = await LoadAsync(id);
        Assert.Equal(["held", "held"], held.Seats.Select(s => s.Status));
        Assert.Equal(OrderState.AwaitingPayment, Assert.Single(held.Orders).State);
        Assert.Equal(orderId, (await Store.FindOrderByKeyAsync(orderId + "-key", CancellationToken.None))?.OrderId);
        Assert.Equal(orderId, (await Store.FindOrderByPaymentAsync("pay_" + orderId, CancellationToken.None))?.OrderId);

        await CommitAsync(Batch(id, 1,
            new RecordPayment("pay_" + orderId, "paid"),
            new TransitionOrder(orderId, OrderState.AwaitingPayment, OrderState.Paid, false),
            new ConfirmSeat("1A", orderId), new ConfirmSeat("1B", orderId)));
        // The same transition again is a compare-and-set on a state the order has left.
        await Assert.ThrowsAsync<StoreConflictException>(() => CommitAsync(Batch(id, 2, new TransitionOrder(orderId, OrderState.AwaitingPayment, OrderState.Paid, false))));
        Assert.Contains(await Store.DueOrdersAsync(0, CancellationToken.None), due => due.OrderId == orderId && due.State == OrderState.Paid);

        await CommitAsync(Batch(id, 2, new IssueTicket(orderId, new StoredTicket("T1" + orderId, "1A", "Ada"), 1, "T1" + orderId)));
        // The count is a compare-and-set: the same ticket number again is refused, and so is its batch.
        await Assert.ThrowsAsync<StoreConflictException>(() => CommitAsync(Batch(id, 3, new IssueTicket(orderId, new StoredTicket("T9" + orderId, "1A", "Ada"), 1, "T9" + orderId))));
        await CommitAsync(Batch(id, 3,
            new IssueTicket(orderId, new StoredTicket("T2" + orderId, "1B", "Bob"), 2, "T2" + orderId),
            new TransitionOrder(orderId, OrderState.Paid, OrderState.Ticketed, false)));
        // Tickets are issued only while the order is paid.
        await Assert.ThrowsAsync<StoreConflictException>(() => CommitAsync(Batch(id, 4, new IssueTicket(orderId, new StoredTicket("T3" + orderId, "1B", "Bob"), 3, "T3" + orderId))));

        var order = (await Store.GetOrderAsync(orderId, CancellationToken.None))!;
        Assert.Equal((OrderState.Ticketed, 2, 2), (order.State, order.TicketsIssued, order.TicketsTotal));
        Assert.Equal(["T1" + orderId, "T2" + orderId], order.Tickets.Select(t => t.Code).Order());
        Assert.Equal(["paid"], order.PaymentsReceived);
        Assert.Equal(["booked", "booked"], (await LoadAsync(id)).Seats.Select(s => s.Status));
        Assert.Empty((await Store.AuditAsync(id, CancellationToken.None))!.Anomalies);
    }

    /// <summary>An order of one ticket for seat 1A, paid and ticketed; returns the order and the ticket id.</summary>
    private async Task<(string OrderId, string TicketId)> TicketedOrderAsync(string eventId)
    {
        var orderId = "ord_" + NewReference();
        var ticketId = Guid.NewGuid().ToString("N")[..16];
        await CommitAsync(Batch(eventId, 0, new InsertOrder(Order(orderId, orderId + "-key", 9_000, 1)), new HoldSeat("1A", orderId, "Ada")));
        await CommitAsync(Batch(eventId, 1,
            new RecordPayment("pay_" + orderId, "paid"),
            new TransitionOrder(orderId, OrderState.AwaitingPayment, OrderState.Paid, false),
            new ConfirmSeat("1A", orderId),
            new IssueTicket(orderId, new StoredTicket("code-" + ticketId, "1A", "Ada"), 1, ticketId),
            new TransitionOrder(orderId, OrderState.Paid, OrderState.Ticketed, false)));
        return (orderId, ticketId);
    }

    private static AdmissionScan Scan(string ticketId, string eventId, string gate, long atMs, bool offline = false) =>
        new(ticketId, eventId, gate, atMs, 50_000, offline);

    [Fact]
    public async Task Of_fifty_concurrent_scans_of_one_ticket_exactly_one_admits_it_and_all_see_that_one()
    {
        var id = await NewEventAsync();
        var (_, ticketId) = await TicketedOrderAsync(id);

        var scans = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            Store.AdmitAsync(Scan(ticketId, id, $"Gate {i % 5}", 10_000 + i), CancellationToken.None)));

        var winner = Assert.Single(scans, scan => scan!.Recorded)!;
        Assert.All(scans, scan => Assert.Equal(("1A", "Ada", OrderState.Ticketed, winner.Gate, winner.AdmittedAtMs), (scan!.Seat, scan.Name, scan.OrderState, scan.Gate, scan.AdmittedAtMs)));
        Assert.Equal([(winner.Gate!, 1)], await Store.AdmissionsByGateAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task An_offline_scan_earlier_than_the_admission_takes_its_place_and_a_later_one_does_not()
    {
        var id = await NewEventAsync();
        var (_, ticketId) = await TicketedOrderAsync(id);
        await Store.AdmitAsync(Scan(ticketId, id, "Main", 20_000), CancellationToken.None);

        var later = await Store.AdmitAsync(Scan(ticketId, id, "Side", 30_000, offline: true), CancellationToken.None);
        var earlier = await Store.AdmitAsync(Scan(ticketId, id, "Side", 15_000, offline: true), CancellationToken.None);
        var online = await Store.AdmitAsync(Scan(ticketId, id, "Back", 1_000), CancellationToken.None);

        Assert.Equal((false, "Main", 20_000L), (later!.Recorded, later.Gate, later.AdmittedAtMs));
        Assert.Equal((true, "Side", 15_000L), (earlier!.Recorded, earlier.Gate, earlier.AdmittedAtMs));
        Assert.Equal((false, "Side", 15_000L), (online!.Recorded, online.Gate, online.AdmittedAtMs));
        Assert.Equal([("Side", 1)], await Store.AdmissionsByGateAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task A_ticket_of_an_order_no_longer_ticketed_is_revoked_and_never_admitted()
    {
        var id = await NewEventAsync();
        var (orderId, ticketId) = await TicketedOrderAsync(id);
        var (_, validId) = await TicketedOrderAsync(await NewEventAsync());
        await fixture.ExecuteSqlAsync($"UPDATE orders SET state = 'cancelled' WHERE order_id = '{orderId}'");

        var scan = await Store.AdmitAsync(Scan(ticketId, id, "Main", 20_000), CancellationToken.None);

        Assert.Equal((false, OrderState.Cancelled, null), (scan!.Recorded, scan.OrderState, scan.Gate));
        Assert.Equal([ticketId], await Store.RevokedTicketsAsync(id, CancellationToken.None));
        Assert.DoesNotContain(validId, await Store.RevokedTicketsAsync(id, CancellationToken.None));
        Assert.Empty(await Store.AdmissionsByGateAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task A_ticket_is_admitted_only_at_its_own_event_and_an_unknown_ticket_is_not_found()
    {
        var id = await NewEventAsync();
        var other = await NewEventAsync();
        var (_, ticketId) = await TicketedOrderAsync(id);

        var elsewhere = await Store.AdmitAsync(Scan(ticketId, other, "Main", 20_000), CancellationToken.None);

        Assert.Equal((false, null), (elsewhere!.Recorded, elsewhere.Gate));
        Assert.Null(await Store.AdmitAsync(Scan("0123456789abcdef", id, "Main", 20_000), CancellationToken.None));
        Assert.Empty(await Store.AdmissionsByGateAsync(other, CancellationToken.None));
    }

    [Fact]
    public async Task An_idempotency_key_makes_one_order_only()
    {
        var id = await NewEventAsync();
        var key = "key-" + NewReference();
        await CommitAsync(Batch(id, 0, new InsertOrder(Order("ord_" + NewReference(), key, 99_000, 1))));

        var second = Batch(id, 1, new InsertOrder(Order("ord_" + NewReference(), key, 99_000, 1)));

        await Assert.ThrowsAsync<StoreConflictException>(() => CommitAsync(second));
        Assert.Single((await LoadAsync(id)).Orders);
    }

    [Fact]
    public async Task Past_the_flight_bound_the_oldest_flight_without_a_live_claim_makes_room_with_its_seats_and_bookings()
    {
        await ForgetEarlierFlightsAsync();
        var (booked, movedAway, idle, next) = (NewFlightId(), NewFlightId(), NewFlightId(), NewFlightId());
        Assert.Equal(new FlightCreation(FlightOutcome.Created), await CreateFlightAsync(booked, 3, createdAtMs: 1));
        Assert.Equal(new FlightCreation(FlightOutcome.Created), await CreateFlightAsync(movedAway, 3, createdAtMs: 2));
        Assert.Equal(new FlightCreation(FlightOutcome.Created), await CreateFlightAsync(idle, 3, createdAtMs: 3));
        var (ada, bob) = (NewReference(), NewReference());
        await CommitAsync(Batch(booked, 0, Booking(ada, ("1A", "Ada"))));
        // Bob booked and moved on: his seat row, claim and cancelled booking stay behind, but no live claim.
        await CommitAsync(Batch(movedAway, 0, Booking(bob, ("2B", "Bob"))));
        await CommitAsync(Batch(movedAway, 1, new ReleaseSeat("2B", bob), new CancelBooking(bob)));

        var creation = await CreateFlightAsync(next, 3, createdAtMs: 4);

        Assert.Equal(new FlightCreation(FlightOutcome.Created, Evicted: movedAway), creation);
        Assert.Null(await Store.LoadEventAsync(movedAway, CancellationToken.None));
        Assert.Null(await Store.GetBookingAsync(bob, CancellationToken.None));
        Assert.Equal([new StoredSeat("1A", "booked", ada, "Ada")], (await LoadAsync(booked)).Seats);
        Assert.True((await LoadAsync(idle)).Event.Tutorial);
        Assert.True((await LoadAsync(next)).Event.Tutorial);
    }

    [Fact]
    public async Task A_full_house_of_flights_refuses_a_new_one_and_a_taken_id_is_never_replaced()
    {
        await ForgetEarlierFlightsAsync();
        var (first, second, refused) = (NewFlightId(), NewFlightId(), NewFlightId());
        await CreateFlightAsync(first, 2);
        await CreateFlightAsync(second, 2);
        await CommitAsync(Batch(first, 0, Booking(NewReference(), ("1A", "Ada"))));
        await CommitAsync(Batch(second, 0, Booking(NewReference(), ("1A", "Bob"))));
        var eventId = await NewEventAsync();

        Assert.Equal(new FlightCreation(FlightOutcome.Full), await CreateFlightAsync(refused, 2));
        Assert.Equal(new FlightCreation(FlightOutcome.IdTaken), await CreateFlightAsync(first, 2));
        Assert.Equal(new FlightCreation(FlightOutcome.IdTaken), await CreateFlightAsync(eventId, 10));

        Assert.Null(await Store.LoadEventAsync(refused, CancellationToken.None));
        Assert.Single((await LoadAsync(first)).Seats);
        var stored = (await LoadAsync(eventId)).Event;
        Assert.Equal(($"Event {eventId}", false, 0L), (stored.Title, stored.Tutorial, stored.Version));
    }

    [Fact]
    public async Task Flights_created_at_the_same_time_never_outnumber_the_bound()
    {
        await ForgetEarlierFlightsAsync();
        var ids = Enumerable.Range(0, 20).Select(_ => NewFlightId()).ToArray();

        var creations = await Task.WhenAll(ids.Select(id => CreateFlightAsync(id, 5)));

        Assert.All(creations, creation => Assert.Equal(FlightOutcome.Created, creation.Outcome));
        var evicted = creations.Select(creation => creation.Evicted).OfType<string>().ToArray();
        Assert.Equal(15, evicted.Distinct().Count());
        var remaining = new List<string>();
        foreach (var id in ids)
        {
            if (await Store.LoadEventAsync(id, CancellationToken.None) is not null)
                remaining.Add(id);
        }
        Assert.Equal(ids.Except(evicted).Order(), remaining.Order());
    }

    [Fact]
    public async Task Lapsed_unpaid_orders_are_due_and_a_secret_is_made_once()
    {
        var id = await NewEventAsync();
        var orderId = "ord_" + NewReference();
        await CommitAsync(Batch(id, 0, new InsertOrder(Order(orderId, orderId, 5_000, 1)), new HoldSeat("3C", orderId, "Ada")));

        Assert.DoesNotContain(await Store.DueOrdersAsync(4_999, CancellationToken.None), due => due.OrderId == orderId);
        Assert.Contains(await Store.DueOrdersAsync(5_000, CancellationToken.None), due => due.OrderId == orderId && due.State == OrderState.AwaitingPayment);
        var secret = await Store.GetSecretAsync("compliance", () => [1, 2, 3], CancellationToken.None);
        Assert.Equal([1, 2, 3], secret);
        Assert.Equal(secret, await Store.GetSecretAsync("compliance", () => [4, 5, 6], CancellationToken.None));
    }

    [Fact]
    public async Task The_client_of_every_live_claim_and_order_is_loaded_so_a_desk_can_cap_it_after_a_reload()
    {
        var id = await NewEventAsync();
        var (ada, orderId) = (NewReference(), "ord_" + NewReference());
        await CommitAsync(Batch(id, 0,
            new InsertBooking(ada, TokenHash, "198.51.100.1"), new ClaimSeat("1A", ada, "Ada"),
            new InsertOrder(Order(orderId, orderId, 99_000, 1) with { ClientKey = "2001:db8::/64" }), new HoldSeat("2A", orderId, "Bob")));

        var stored = await LoadAsync(id);

        Assert.Equal(["198.51.100.1", "2001:db8::/64"], stored.Seats.OrderBy(s => s.Seat).Select(s => s.Client));
        Assert.Equal("2001:db8::/64", Assert.Single(stored.Orders).ClientKey);
    }

    [Fact]
    public async Task The_list_leaves_out_tutorial_flights_and_counts_held_seats_as_available_once_their_hold_lapses()
    {
        var id = await NewEventAsync();
        var flight = $"fl-{Guid.NewGuid():N}"[..20];
        Assert.True(await Store.CreateEventAsync(
            new EventRow(flight, "Flight", """{"template":"a320"}""", new Dictionary<string, long> { ["standard"] = 0 }, "EUR", 60, 60, 0, 1_000, Tutorial: true),
            "test", CancellationToken.None));
        var orderId = "ord_" + NewReference();
        await CommitAsync(Batch(id, 0, new InsertOrder(Order(orderId, orderId, 10_000, 2)), new HoldSeat("1A", orderId, "Ada"), new HoldSeat("1B", orderId, "Bob")));

        var beforeDeadline = await Store.ListEventsAsync(9_999, forStaff: true, CancellationToken.None);
        var afterDeadline = await Store.ListEventsAsync(10_000, forStaff: true, CancellationToken.None);

        Assert.DoesNotContain(beforeDeadline, e => e.Event.Id == flight);
        Assert.Contains(beforeDeadline, e => e.Event.Id == id && e.Available == 58 && e.Held == 2);
        Assert.Contains(afterDeadline, e => e.Event.Id == id && e.Available == 60 && e.Held == 0);
        Assert.True((await LoadAsync(flight)).Event.Tutorial);
    }
}
