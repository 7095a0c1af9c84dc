# Checks that this Python lies in [minimum, too_high): the launcher's
# version check, called as `python version_check.py MINIMUM TOO_HIGH`.
# Written for this miniature checkout; OneTrainer ships its own.
# Keep it runnable by any Python, old ones included: it must be able to
# say "too old" on an old interpreter.
import sys


def parse(text):
    return tuple(int(part) for part in text.split("."))


def show(version):
    return ".".join(str(part) for part in version)


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("Error: usage: version_check.py MINIMUM TOO_HIGH\n")
        return 1
    minimum, too_high = parse(argv[1]), parse(argv[2])
    here = tuple(sys.version_info[:3])
    if here < minimum or here >= too_high:
        sys.stderr.write(
            "Error: this Python is %s; OneTrainer needs >= %s and < %s.\n"
            % (show(here), show(minimum), show(too_high))
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
