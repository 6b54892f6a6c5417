"""Start the station with its defaults: the same as `amplify serve`.

Example:

    python run.py            # this laptop only
    python run.py --lan      # phones on the laptop's WiFi too
"""

from survey_app.cli import main

if __name__ == "__main__":
    main(["serve", *__import__("sys").argv[1:]])
