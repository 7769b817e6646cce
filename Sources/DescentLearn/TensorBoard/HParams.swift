/// A hyper-parameter's value as TensorBoard's HParams plugin shows it.
public enum HParamValue: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByFloatLiteral,
  ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral
{
  case string(String)
  case number(Double)
  case bool(Bool)

  public init(stringLiteral value: String) { self = .string(value) }
  public init(floatLiteral value: Double) { self = .number(value) }
  public init(integerLiteral value: Int) { self = .number(Double(value)) }
  public init(booleanLiteral value: Bool) { self = .bool(value) }

  /// `google.protobuf.Value`: number_value 2, string_value 3, bool_value 4.
  func encode(into w: inout ProtoWriter) {
    switch self {
    case .number(let d): w.double(2, d)
    case .string(let s): w.string(3, s)
    case .bool(let b): w.bool(4, b)
    }
  }

  /// api.proto's `DataType`: STRING 1, BOOL 2, FLOAT64 3.
  var dataType: Int64 {
    switch self {
    case .string: return 1
    case .bool: return 2
    case .number: return 3
    }
  }
}

/// The summaries of TensorBoard's HParams plugin (tensorboard/plugins/hparams: plugin_data.proto
/// and api.proto). Each is a `Summary.Value` under a fixed tag whose metadata names the plugin
/// "hparams" and holds an `HParamsPluginData` (version 1, left at 0; then one of experiment 2,
/// session_start_info 3, session_end_info 4).
///
/// A run that holds a session start is one row of the plugin's table; its metrics are the last
/// value of the run's scalars whose tags the experiment lists.
public enum HParamsSummary {
  public static let pluginName = "hparams"
  public static let experimentTag = "_hparams_/experiment"
  public static let sessionStartTag = "_hparams_/session_start_info"
  public static let sessionEndTag = "_hparams_/session_end_info"

  /// api.proto's `Status`.
  public enum Status: Int64, Sendable {
    case unknown = 0, success = 1, failure = 2, running = 3
  }

  /// `Experiment` (time_created_secs 3, hparam_infos 4, metric_infos 5): the hyper-parameters'
  /// names and types (`HParamInfo`: name 1, type 4, differs 7) and the metrics (`MetricInfo`:
  /// name 1 as `MetricName` {group 1, tag 2}, dataset_type 5 = validation), each a scalar tag of
  /// the run. TensorBoard shows the first five hyper-parameters, those marked `differing` first,
  /// then by name, and the first five metrics. No domains: a run knows only its own values, and
  /// a domain would filter out the rows of runs whose values it does not list.
  public static func experiment(hparams: [String: HParamValue], differing: Set<String> = [], metrics: [String],
                                time: Double) -> SummaryValue {
    summary(experimentTag, field: 2) { e in
      e.double(3, time)
      for (name, value) in hparams.sorted(by: { $0.key < $1.key }) {
        e.message(4) { info in
          info.string(1, name)
          info.int(4, value.dataType)
          if differing.contains(name) { info.bool(7, true) }
        }
      }
      for metric in metrics {
        e.message(5) { info in
          info.message(1) { $0.string(2, metric) }
          info.int(5, 2)
        }
      }
    }
  }

  /// `SessionStartInfo`: hparams 1 (a map: entries {key 1, value 2}), start_time_secs 5.
  public static func sessionStart(hparams: [String: HParamValue], time: Double) -> SummaryValue {
    summary(sessionStartTag, field: 3) { s in
      for (name, value) in hparams.sorted(by: { $0.key < $1.key }) {
        s.message(1) { entry in
          entry.string(1, name)
          entry.message(2) { value.encode(into: &$0) }
        }
      }
      s.double(5, time)
    }
  }

  /// `SessionEndInfo`: status 1, end_time_secs 2.
  public static func sessionEnd(status: Status, time: Double) -> SummaryValue {
    summary(sessionEndTag, field: 4) { s in
      s.int(1, status.rawValue)
      s.double(2, time)
    }
  }

  private static func summary(_ tag: String, field: Int, _ body: (inout ProtoWriter) -> Void) -> SummaryValue {
    var data = ProtoWriter()
    data.message(field, body)
    return SummaryValue(tag: tag, kind: .plugin(name: pluginName, content: data.bytes))
  }
}
