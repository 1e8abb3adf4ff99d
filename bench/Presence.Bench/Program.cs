using Presence.Orleans.Bench;

return await BenchCommands.RunAsync(args);
