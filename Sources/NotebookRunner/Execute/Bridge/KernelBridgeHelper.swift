/// The Python side of nbrun's requests to a kernel: one function, sent with each request and
/// deleted after it, that reads a JSON request and answers with a `display_data` of type
/// `KernelBridgeHelper.mimeType`. Arrays travel as `.npy` bytes in base64 both ways
/// (`NPYArray`); nothing is written to disk and no module of nbrun's is installed.
///
/// Requests (`op`):
/// - `values`: evaluate each of `expressions` in the user's namespace → one encoded value each;
/// - `differences`: evaluate `args`, put the arrays of `point` (by argument position) in their
///   place, call `grad` there (when `with_grad`), and the loss at `point` with each listed entry
///   of each parameter moved by ±`eps` → the gradient's arrays and the losses up and down.
///
/// An encoded value is `{"shape", "dtype", "type", "npy"}` for a bool, integer or float array
/// (or number) of at most `limit` values, `{"text", "type"}` for a string or a value that is no
/// such array (when `text` is asked for), else `{"type", "dtype", "shape"}` with `too_large`
/// or without `npy`. A failure is `{"error": "NameError: …", "frames": ["Cell In[3], line 2", …]}`,
/// the frames of notebook code it passed through (innermost last).
enum KernelBridgeHelper {
    static let mimeType = "application/x-nbrun-bridge+json"

    /// The code of one request: the helper, its call with the base64 JSON `request`, and its removal.
    static func code(request base64: String) -> String {
        source + "\ntry:\n    _nbrun_bridge('\(base64)')\nfinally:\n    del _nbrun_bridge\n"
    }

    static let source = #"""
    def _nbrun_bridge(request):
        import base64, io, json, traceback
        import numpy
        from IPython.display import publish_display_data
        shell = get_ipython()
        namespace = shell.user_ns
        request = json.loads(base64.b64decode(request).decode())
        limit = request.get("limit", 10 ** 8)
        cells = getattr(shell.compile, "_filename_map", {})

        def failure(error):
            frames = [f"Cell In[{cells[f.filename]}], line {f.lineno}"
                      for f in traceback.extract_tb(error.__traceback__) if f.filename in cells]
            return {"error": f"{type(error).__name__}: {error}", "frames": frames}

        def npy(array):
            buffer = io.BytesIO()
            numpy.save(buffer, array, allow_pickle=False)
            return base64.b64encode(buffer.getvalue()).decode()

        def encode(value, text):
            kind = type(value).__name__
            if isinstance(value, (str, bool, numpy.bool_)):
                return {"text": str(value)[:10000], "type": kind}
            try:
                array = numpy.asarray(value)
            except Exception:
                array = None
            if array is None or array.dtype.kind not in "biuf":
                answer = {"type": kind}
                if array is not None:
                    answer.update(dtype=str(array.dtype), shape=list(array.shape))
                if text:
                    answer["text"] = str(value)[:10000]
                return answer
            answer = {"type": kind, "dtype": array.dtype.str, "shape": list(array.shape)}
            if array.size > limit:
                answer["too_large"] = True
            else:
                answer["npy"] = npy(array)
            return answer

        def load(text):
            return numpy.load(io.BytesIO(base64.b64decode(text)), allow_pickle=False)

        def evaluate(source):
            return eval(compile(source, "<nbrun>", "eval"), namespace)

        def function(name):
            value = evaluate(name)
            if not callable(value):
                raise TypeError(f"{name} is a {type(value).__name__}, not a function")
            return value

        def scalar(value, name):
            array = numpy.asarray(value, dtype=float)
            if array.size != 1:
                raise ValueError(f"{name} returned an array of shape {array.shape}, not a single number")
            return float(array.reshape(-1)[0])

        def values():
            answers = []
            for source in request["expressions"]:
                try:
                    answers.append(encode(evaluate(source), request.get("text", False)))
                except Exception as error:
                    answers.append(failure(error))
            return {"values": answers}

        def differences():
            stage = "args"
            try:
                arguments = [evaluate(source) for source in request["args"]]
                point = {int(k): load(v) for k, v in request["point"].items()}
                for position, array in point.items():
                    arguments[position] = array
                loss = function(request["loss"])
                answer = {}
                if request.get("with_grad"):
                    stage = "grad"
                    grad = function(request["grad"])
                    result = grad(*[a.copy() if isinstance(a, numpy.ndarray) else a for a in arguments])
                    parts = list(result) if isinstance(result, (tuple, list)) else [result]
                    answer["grad"] = [encode(part, False) for part in parts]
                    stage = "loss"
                    answer["loss"] = scalar(loss(*arguments), request["loss"])
                stage = "loss"
                eps = request["eps"]
                moved = {}
                for position, entries in request["entries"].items():
                    position = int(position)
                    base = point[position]
                    up, down = [], []
                    for entry in entries:
                        for sign, into in ((1, up), (-1, down)):
                            shifted = base.copy()
                            shifted.flat[entry] += sign * eps
                            call = list(arguments)
                            call[position] = shifted
                            into.append(scalar(loss(*call), request["loss"]))
                    moved[str(position)] = {"up": npy(numpy.array(up)), "down": npy(numpy.array(down))}
                answer["moved"] = moved
                return answer
            except Exception as error:
                answer = failure(error)
                answer["stage"] = stage
                return answer

        try:
            reply = {"values": values, "differences": differences}[request["op"]]()
        except Exception as error:
            reply = failure(error)
        publish_display_data({"application/x-nbrun-bridge+json": reply})
    """#
}
