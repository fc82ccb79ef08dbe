import sys

from nexusml.train_model_pipeline_v2 import main

sys.exit(main())
