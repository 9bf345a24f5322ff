from qualcode.cli.main import run

run()
