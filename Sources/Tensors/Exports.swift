// Every file of the tensor side reports problems as located diagnostics.
@_exported import Diagnostics
