// Users of NotebookRunner see the diagnostics and the tensor side it is built on.
@_exported import Diagnostics
@_exported import Tensors
