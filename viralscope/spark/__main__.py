"""``python -m viralscope.spark analyze …`` (and the file ``spark-submit`` runs): the ``viralscope spark`` commands."""

import sys

from viralscope.cli import main

if __name__ == "__main__":
    main(args=["spark", *sys.argv[1:]], prog_name="python -m viralscope.spark")
