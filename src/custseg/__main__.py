from custseg.cli.commands import main

main()
