"""The demo network: a realistic, reproducible world of people, organizations and ties."""
