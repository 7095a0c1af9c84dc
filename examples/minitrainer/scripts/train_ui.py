# Stands in for OneTrainer's UI in this miniature checkout: it shows that
# the launcher ran it in the prepared venv, with the arguments untouched.
import os
import sys

import otdemo

print("train_ui: hello from %s" % sys.executable)
print("train_ui: otdemo says %r" % otdemo.greeting())
print("train_ui: arguments %r" % sys.argv[1:])
print("train_ui: VIRTUAL_ENV=%s" % os.environ.get("VIRTUAL_ENV"))
