from newsprep.cli import app

app(prog_name="newsprep")
