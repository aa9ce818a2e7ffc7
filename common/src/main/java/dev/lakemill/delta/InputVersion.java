package dev.lakemill.delta;

/**
 * One input a step read.
 *
 * @param name source or step name
 * @param location table location or file path; empty for generated data and view-only steps
 * @param version Delta version read, or -1 when the input is not a Delta table
 */
public record InputVersion(String name, String location, long version) {}
