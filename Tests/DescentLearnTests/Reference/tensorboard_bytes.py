# The protocol-buffer bytes TensorBoardTests expects, serialized by TensorBoard's own protos
# (pip install tensorboard; 2.21.0 made the literals). Run: python3 tensorboard_bytes.py
from tensorboard.compat.proto import event_pb2, summary_pb2
from tensorboard.plugins.hparams import api_pb2, metadata, plugin_data_pb2
from google.protobuf import struct_pb2


def show(name, message):
    print(name, message.SerializeToString(deterministic=True).hex())


def hparams_value(tag, **data):
    # As tensorboard.plugins.hparams.summary_v2 builds its summaries: the plugin data in the
    # metadata, beside the empty float tensor.
    content = plugin_data_pb2.HParamsPluginData(**data).SerializeToString(deterministic=True)
    return summary_pb2.Summary.Value(
        tag=tag, tensor=metadata.NULL_TENSOR,
        metadata=summary_pb2.SummaryMetadata(
            plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="hparams", content=content)))


show("file_version", event_pb2.Event(wall_time=1700000000.25, file_version="brain.Event:2"))
show("scalars", event_pb2.Event(wall_time=1700000000.5, step=7, summary=summary_pb2.Summary(value=[
    summary_pb2.Summary.Value(tag="train_loss", simple_value=0.5),
    summary_pb2.Summary.Value(tag="lr/group_0", simple_value=0.001)])))

hparams = {"lr": struct_pb2.Value(number_value=0.003), "optimizer": struct_pb2.Value(string_value="adam"),
           "mixed_precision": struct_pb2.Value(bool_value=False), "seed": struct_pb2.Value(number_value=42)}
types = {"lr": api_pb2.DATA_TYPE_FLOAT64, "optimizer": api_pb2.DATA_TYPE_STRING,
         "mixed_precision": api_pb2.DATA_TYPE_BOOL, "seed": api_pb2.DATA_TYPE_FLOAT64}
show("experiment", hparams_value(metadata.EXPERIMENT_TAG, experiment=api_pb2.Experiment(
    time_created_secs=1700000000,
    hparam_infos=[api_pb2.HParamInfo(name=n, type=types[n]) for n in sorted(types)],
    metric_infos=[api_pb2.MetricInfo(name=api_pb2.MetricName(tag=t), dataset_type=api_pb2.DATASET_VALIDATION)
                  for t in ("valid_loss", "accuracy")])))
show("session_start", hparams_value(metadata.SESSION_START_INFO_TAG, session_start_info=plugin_data_pb2.SessionStartInfo(
    hparams=hparams, start_time_secs=1700000000)))
show("session_end", hparams_value(metadata.SESSION_END_INFO_TAG, session_end_info=plugin_data_pb2.SessionEndInfo(
    status=api_pb2.STATUS_SUCCESS, end_time_secs=1700000100.5)))
