# Stands in for OneTrainer's training CLI: run it as `./run-cmd.sh train ...`.
import sys

print("train: arguments %r" % sys.argv[1:])
sys.exit(0)
