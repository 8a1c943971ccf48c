import NotebookRunner
print("nbrun")
