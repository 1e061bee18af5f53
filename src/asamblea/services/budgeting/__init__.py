"""Participatory budgeting use cases, Peru's process from registration of participating agents
to the Acta and oversight: the process and its phases (`process`), the Comité de Vigilancia
elected by STV (`committee`) and who may do what in a process (`access`)."""
