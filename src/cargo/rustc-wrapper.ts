process.stdout.write('wrapper placeholder\n');
