"""Command-line front ends of the jobs that have no package of their own."""
