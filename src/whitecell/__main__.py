from whitecell.cli.main import cli

cli()
