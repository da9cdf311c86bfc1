from eventcorpus.cli import main

main()
