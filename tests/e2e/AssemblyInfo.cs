// Labs have their own namespaces, ports, sockets, databases and browsers, so up to three test classes run at once
// (most of an e2e test's time is waiting on timers and packets, not CPU). Classes that cannot share the machine
// are in the RunsAlone collection.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerClass, MaxParallelThreads = 3)]
