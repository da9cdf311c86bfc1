"""The event-extraction model: spaCy ``ner`` for entities, scikit-learn for triggers and arguments.

``train_model`` -> :class:`EventModel` -> ``save``; ``load_model``; ``predict_file`` streams
documents through a saved model. See ``models/README.md`` for configs and the folder layout.
"""

from eventcorpus.extract.config import ModelConfig, load_config
from eventcorpus.extract.model import EventModel, load_model, train_model
from eventcorpus.extract.predict import predict_file, read_inputs

__all__ = ["EventModel", "ModelConfig", "load_config", "load_model", "predict_file", "read_inputs", "train_model"]
